// `melrecon eval`: reconstruct held-out examples with the trained model and with baselines
// (zero-filled, CG-SENSE, and compressed sensing with `bart pics` when bart is installed: an
// ℓ1-wavelet prior, and for cine temporal total variation), score them against the reference
// (PSNR, SSIM, NRMSE; metrics/image_metrics.h) and tabulate mean ± std. Baseline regularisation
// weights are chosen from a grid by PSNR on the first example of a validation set (`tune_data`),
// or, without one, on the first test example (which favours the baselines, never the model).
#pragma once

#include <torch/arg.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "eval/trained_model.h"
#include "modl/modl_net.h"
#include "train/train_config.h"

namespace melrecon::eval {

// The reconstructions the trained model is compared against.
enum class Baseline { zero_filled, cg_sense, cs_wavelet, cs_temporal_tv, cs_temporal_tv_wavelet };
constexpr core::Choices<Baseline, 5> choices(Baseline) {
  return {"baseline",
          {{{Baseline::zero_filled, "zero-filled"},
            {Baseline::cg_sense, "cg-sense"},
            {Baseline::cs_wavelet, "cs-wavelet"},
            {Baseline::cs_temporal_tv, "cs-temporal-tv"},
            {Baseline::cs_temporal_tv_wavelet, "cs-temporal-tv-wavelet"}}}};
}

struct EvalOptions {
  TORCH_ARG(std::string, data);  // dataset folder, fastMRI .h5 file or folder of them
  // Validation data whose first example chooses the baselines' weights (same kind as `data`);
  // empty: the first test example.
  TORCH_ARG(std::string, tune_data);
  // Unset: every baseline that applies (the cs-* ones when bart is installed, cs-temporal-tv to
  // cine data) except cs-temporal-tv-wavelet, run only when named. The model's row, named after its
  // architecture, comes last when a model is given and `with_model`.
  TORCH_ARG(std::optional<std::vector<Baseline>>, baselines);
  TORCH_ARG(bool, with_model) = true;
  TORCH_ARG(train::SamplingConfig, sampling);  // masks of the test examples
  TORCH_ARG(uint64_t, seed) = 1234;            // mask seeds: derive_seed(seed, example index)
  TORCH_ARG(int64_t, max_examples) = 0;        // 0: all
  TORCH_ARG(int64_t, cg_iters) = 30;
  TORCH_ARG(int64_t, cs_iters) = 100;  // bart pics iterations
  TORCH_ARG(std::string, png_dir);     // comparison images of each example when set
  // Folder for bart's files; empty: a fresh one of this evaluation, removed afterwards (two
  // evaluations at once never share files).
  TORCH_ARG(std::string, work_dir);
  TORCH_ARG(std::string, device) = "cpu";
};

struct MethodScores {
  std::string method;
  std::string setting;  // e.g. "lambda=0.01"
  std::vector<double> psnr, ssim, nrmse;
};

struct EvalReport {
  std::vector<MethodScores> methods;
  sampling::MaskKind pattern;  // the mask kind used
  std::string table() const;   // Markdown: method | PSNR | SSIM | NRMSE (mean ± std)
  nlohmann::json to_json() const;
  const MethodScores* find(const std::string& method) const;
};

// `model` may be null (baselines only).
// `model` may be null (baselines only); a model trained on another data kind than the test
// data's is an error naming both.
EvalReport evaluate(const EvalOptions& options, TrainedModel* model);

}  // namespace melrecon::eval

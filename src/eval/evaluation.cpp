#include "eval/evaluation.h"

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <numeric>
#include <optional>

#include <stdlib.h>

#include <cerrno>
#include <cstring>

#include "core/device_choice.h"
#include "core/error.h"
#include "core/random.h"
#include "data/example_source.h"
#include "eval/preview_sheet.h"
#include "io/png.h"
#include "metrics/image_metrics.h"
#include "recon/bart_pics.h"
#include "recon/cg_sense.h"
#include "train/prepared_example.h"
#include "train/validation.h"

namespace melrecon::eval {
namespace {

const std::vector<double> kCgLambdas{0.0, 1e-3, 1e-2, 3e-2, 1e-1};
const std::vector<double> kWaveletLambdas{1e-3, 3e-3, 1e-2, 3e-2};
const std::vector<double> kTemporalTvLambdas{1e-3, 3e-3, 1e-2, 3e-2, 1e-1};
const std::vector<double> kWaveletFractions{0.1, 0.3, 1.0};  // of temporal TV's λ

double mean(const std::vector<double>& v) {
  return v.empty() ? std::nan("") : std::accumulate(v.begin(), v.end(), 0.0) / v.size();
}

double stddev(const std::vector<double>& v) {
  if (v.size() < 2) return 0.0;
  const double m = mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / (v.size() - 1));
}

double psnr_of(const at::Tensor& image, const at::Tensor& reference) {
  return metrics::psnr(image.select(0, 0).cpu(), reference.select(0, 0).cpu()).item<double>();
}

// A row of the report: a baseline, or the trained model (no baseline).
struct Method {
  std::optional<Baseline> baseline;
  std::string label;
};

// A folder of this process's own under the system's temporary folder, removed with the object.
class ScratchFolder {
 public:
  ScratchFolder() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "melrecon-eval-XXXXXX").string();
    MELRECON_CHECK(::mkdtemp(pattern.data()) != nullptr,
                   "eval: cannot create a scratch folder {} ({})", pattern, std::strerror(errno));
    path_ = pattern;
  }
  ~ScratchFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A method's regularisation: λ, and the wavelet weight of temporal TV + wavelets.
struct Weights {
  double lambda = 0.0;
  double wavelet = 0.0;
};

class Reconstructor {
 public:
  Reconstructor(const EvalOptions& o, unrolled::UnrolledModel* model, io::DataKind kind,
                std::string work_dir)
      : options_(o), model_(model), kind_(kind), work_dir_(std::move(work_dir)) {}

  at::Tensor run(const Method& method, const train::PreparedExample& ex, Weights w) const {
    if (!method.baseline) return train::reconstruct(*model_, ex.problem);
    const auto pics = [&](recon::CsPrior prior) {
      return recon::bart_pics(ex.kspace, ex.problem.op.maps(), ex.mask, kind_, prior, w.lambda,
                              options_.cs_iters(), work_dir_, w.wavelet);
    };
    switch (*method.baseline) {
      case Baseline::zero_filled:
        return ex.problem.aty;
      case Baseline::cg_sense:
        return recon::cg_sense(ex.problem.op, ex.kspace, w.lambda,
                               solvers::CgOptions().max_iters(options_.cg_iters()))
            .x;
      case Baseline::cs_wavelet:
        return pics(recon::CsPrior::wavelet);
      case Baseline::cs_temporal_tv:
        return pics(recon::CsPrior::temporal_tv);
      case Baseline::cs_temporal_tv_wavelet:
        return pics(recon::CsPrior::temporal_tv_wavelet);
    }
    core::fail_internal(__FILE__, __LINE__, "baseline {} has no reconstruction",
                        static_cast<int>(*method.baseline));
  }

  // The grid λ is chosen from (none: the method has no parameter).
  static const std::vector<double>* lambda_grid(const Method& method) {
    if (method.baseline == Baseline::cg_sense) return &kCgLambdas;
    if (method.baseline == Baseline::cs_wavelet) return &kWaveletLambdas;
    if (method.baseline == Baseline::cs_temporal_tv ||
        method.baseline == Baseline::cs_temporal_tv_wavelet) {
      return &kTemporalTvLambdas;
    }
    return nullptr;
  }

  static std::string setting(const Method& method, Weights w) {
    if (method.baseline == Baseline::cs_temporal_tv_wavelet) {
      return fmt::format("lambda={}, wavelet={}", w.lambda, w.wavelet);
    }
    return lambda_grid(method) ? fmt::format("lambda={}", w.lambda) : "";
  }

  // The weights with the best PSNR on `ex`. Temporal TV + wavelets keeps temporal TV's best λ
  // and adds wavelets at fractions of it (a grid over both would cost 5x the bart runs).
  Weights tune(const Method& method, const train::PreparedExample& ex) const {
    const std::vector<double>* grid = lambda_grid(method);
    if (grid == nullptr) return {};
    const auto best_of = [&](const std::vector<Weights>& candidates) {
      Weights best = candidates[0];
      double best_psnr = -1e300;
      for (const Weights& w : candidates) {
        const double p = psnr_of(run(method, ex, w), ex.reference);
        if (p > best_psnr) {
          best_psnr = p;
          best = w;
        }
      }
      return best;
    };
    std::vector<Weights> candidates;
    for (double lambda : *grid) candidates.push_back({lambda, 0.0});
    if (method.baseline == Baseline::cs_temporal_tv) {
      temporal_tv_lambda_ = best_of(candidates).lambda;
      return {*temporal_tv_lambda_, 0.0};
    }
    if (method.baseline != Baseline::cs_temporal_tv_wavelet) return best_of(candidates);
    // Temporal TV's own tuning, done once when both rows are asked for (the same example).
    const double lambda = temporal_tv_lambda_ ? *temporal_tv_lambda_
                                              : tune({Baseline::cs_temporal_tv, ""}, ex).lambda;
    candidates.clear();
    for (double fraction : kWaveletFractions) candidates.push_back({lambda, fraction * lambda});
    return best_of(candidates);
  }

 private:
  const EvalOptions& options_;
  unrolled::UnrolledModel* model_;
  io::DataKind kind_;
  std::string work_dir_;
  mutable std::optional<double> temporal_tv_lambda_;  // tuned on the one tuning example
};

// The baselines asked for (all that apply by default): the cs-* ones need bart, temporal total
// variation needs frames. Asked for explicitly, a baseline that does not apply is an error.
std::vector<Method> methods_of(const EvalOptions& options, const unrolled::UnrolledModel* model,
                               io::DataKind kind) {
  const bool given = options.baselines().has_value();
  std::vector<Method> methods;
  for (const auto& [b, name] : choices(Baseline{}).table) {
    if (given && std::find(options.baselines()->begin(), options.baselines()->end(), b) ==
                     options.baselines()->end()) {
      continue;
    }
    // The combination costs twice temporal TV's bart runs: only when asked for.
    if (!given && b == Baseline::cs_temporal_tv_wavelet) continue;
    const bool temporal = b == Baseline::cs_temporal_tv || b == Baseline::cs_temporal_tv_wavelet;
    if (temporal && kind != io::DataKind::cine) {
      if (given) {
        throw core::UsageError(fmt::format("eval: {} needs cine data, this is {} data", name,
                                           core::choice_name(kind)));
      }
      continue;
    }
    const bool cs = b == Baseline::cs_wavelet || temporal;
    if (cs && !recon::bart_available()) continue;  // the table says which ran
    methods.push_back({b, name});
  }
  if (model != nullptr && options.with_model()) methods.push_back({std::nullopt, model->arch()});
  return methods;
}

}  // namespace

const MethodScores* EvalReport::find(const std::string& method) const {
  for (const auto& m : methods) {
    if (m.method == method) return &m;
  }
  return nullptr;
}

std::string EvalReport::table() const {
  std::string out = "| method | setting | PSNR [dB] | SSIM | NRMSE |\n|---|---|---|---|---|\n";
  for (const auto& m : methods) {
    out += fmt::format("| {} | {} | {:.2f} ± {:.2f} | {:.4f} ± {:.4f} | {:.4f} ± {:.4f} |\n",
                       m.method, m.setting, mean(m.psnr), stddev(m.psnr), mean(m.ssim),
                       stddev(m.ssim), mean(m.nrmse), stddev(m.nrmse));
  }
  return out;
}

nlohmann::json EvalReport::to_json() const {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& m : methods) {
    j.push_back({{"method", m.method},
                 {"setting", m.setting},
                 {"psnr", m.psnr},
                 {"ssim", m.ssim},
                 {"nrmse", m.nrmse},
                 {"psnr_mean", mean(m.psnr)},
                 {"ssim_mean", mean(m.ssim)},
                 {"nrmse_mean", mean(m.nrmse)}});
  }
  return j;
}

namespace {

// The example the baselines' weights are chosen on: the validation set's first (its mask from a
// seed of its own), or the first test example.
train::PreparedExample tuning_example(
    const EvalOptions& options, const data::ExampleSource& test,
    const std::function<train::PreparedExample(size_t)>& prepare_test,
    const mri::SenseOptions& sense, c10::Device device) {
  if (options.tune_data().empty()) return prepare_test(0);
  data::ExampleSource tune(options.tune_data());
  MELRECON_CHECK(tune.kind() == test.kind(), "{}: tuning data is {}, the test data is {}",
                 options.tune_data(), core::choice_name(tune.kind()),
                 core::choice_name(test.kind()));
  const std::vector<data::ExampleRef> examples = tune.examples({0});
  MELRECON_CHECK(!examples.empty(), "{}: no example to tune on", options.tune_data());
  constexpr uint64_t kTuningStream = 0x7E57u;
  // Its own FFT axes (dataset.json records them per dataset), the test's coil chunk.
  const mri::SenseOptions tune_sense = mri::SenseOptions(sense).fft_axes(tune.fft_axes());
  return train::prepare_example(tune.load(examples[0]), options.sampling(), tune.kind(), tune_sense,
                                core::derive_seed(options.seed(), kTuningStream), device);
}

}  // namespace

EvalReport evaluate(const EvalOptions& options, TrainedModel* trained) {
  MELRECON_CHECK(options.png_dir().empty() || io::png_supported(),
                 "{}: comparison pictures need libpng, which this build lacks", options.png_dir());
  data::ExampleSource source(options.data());
  if (trained) check_data_kind(*trained, source.kind(), options.data());
  unrolled::UnrolledModel* model = trained ? trained->model.get() : nullptr;
  std::vector<int64_t> cases(source.case_names().size());
  std::iota(cases.begin(), cases.end(), 0);
  std::vector<data::ExampleRef> examples = source.examples(cases);
  if (options.max_examples() > 0 &&
      static_cast<int64_t>(examples.size()) > options.max_examples()) {
    examples.resize(options.max_examples());
  }
  const std::vector<Method> methods = methods_of(options, model, source.kind());
  const c10::Device device = core::device_choice(options.device(), "--device");
  std::optional<ScratchFolder> scratch;
  if (options.work_dir().empty()) scratch.emplace();
  const Reconstructor recon(options, model, source.kind(),
                            scratch ? scratch->path() : options.work_dir());
  // The model's coil chunk (if any) serves the baselines too: they see the same operator.
  const auto sense = mri::SenseOptions()
                         .fft_axes(source.fft_axes())
                         .coil_chunk(trained != nullptr ? trained->config.model.coil_chunk : 0);
  const auto prepare = [&](size_t i) {
    return train::prepare_example(source.load(examples[i]), options.sampling(), source.kind(),
                                  sense, core::derive_seed(options.seed(), i), device);
  };

  EvalReport report;
  report.pattern = train::mask_pattern(options.sampling(), source.kind());
  std::vector<Weights> weights;
  {
    const train::PreparedExample first = tuning_example(options, source, prepare, sense, device);
    for (const auto& m : methods) {
      weights.push_back(recon.tune(m, first));
      report.methods.push_back({m.label, Reconstructor::setting(m, weights.back()), {}, {}, {}});
    }
  }
  if (!options.png_dir().empty()) std::filesystem::create_directories(options.png_dir());
  for (size_t i = 0; i < examples.size(); ++i) {
    const train::PreparedExample ex = prepare(i);
    const at::Tensor ref = ex.reference.select(0, 0).cpu();
    MELRECON_CHECK(ref.abs().max().item<double>() > 0,
                   "{}: the reference image is all zero, so PSNR, SSIM and NRMSE are undefined",
                   ex.name);
    // The preview's columns: the reference (with its size), each method (PSNR / SSIM), the error.
    std::vector<SheetColumn> columns{
        {"reference", fmt::format("{} px", fmt::join(ref.sizes(), "x")), ref}};
    for (size_t m = 0; m < methods.size(); ++m) {
      const at::Tensor out = recon.run(methods[m], ex, weights[m]).cpu().select(0, 0);
      MELRECON_CHECK(at::isfinite(out).all().item<bool>(), "{}: {} gave a non-finite image",
                     ex.name, methods[m].label);
      report.methods[m].psnr.push_back(metrics::psnr(out, ref).item<double>());
      report.methods[m].ssim.push_back(metrics::ssim(out, ref).item<double>());
      report.methods[m].nrmse.push_back(metrics::nrmse(out, ref).item<double>());
      columns.push_back({methods[m].label,
                         fmt::format("{:.2f} db / {:.3f}", report.methods[m].psnr.back(),
                                     report.methods[m].ssim.back()),
                         out});
    }
    if (!options.png_dir().empty()) {
      columns.push_back({"error x5", columns.back().title, columns.back().image - ref, 5.0});
      std::string name = ex.name;  // "case_0003[0]" -> "case_0003_0"
      std::replace(name.begin(), name.end(), '[', '_');
      name.erase(std::remove(name.begin(), name.end(), ']'), name.end());
      io::write_png(fmt::format("{}/{:04d}_{}.png", options.png_dir(), i, name),
                    preview_sheet(columns, source.kind(), ref.abs().max().item<double>()));
    }
  }
  return report;
}

}  // namespace melrecon::eval

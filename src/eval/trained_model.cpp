#include "eval/trained_model.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/error.h"
#include "mri/sense_op.h"
#include "train/checkpoint.h"
#include "train/model_factory.h"
#include "train/validation.h"

namespace melrecon::eval {

TrainedModel load_trained_model(const std::string& path, c10::Device device,
                                const ReconSettings& settings) {
  const std::string file = train::checkpoint_file(path);
  const train::TrainerState state = train::read_checkpoint_state(file);
  MELRECON_CHECK(!state.config_json.empty() && !state.data_kind.empty(),
                 "{}: checkpoint does not record its configuration", file);
  nlohmann::json config_json;
  try {
    config_json = nlohmann::json::parse(state.config_json);
  } catch (const nlohmann::json::exception& e) {
    core::fail("{}: stored configuration is not valid JSON ({})", file, e.what());
  }
  const auto kind = choices(io::DataKind{}).find(state.data_kind);
  MELRECON_CHECK(kind, "{}: recorded data kind '{}' is not one of {}", file, state.data_kind,
                 choices(io::DataKind{}).listing());
  TrainedModel t{train::from_json(config_json, file), *kind, nullptr, path};
  // The settings go through the configuration's own checks, which then name them.
  std::string origin = file;
  if (settings.tile || settings.coil_chunk) {
    nlohmann::json changed = train::to_json(t.config);
    if (settings.tile) changed["model"]["tile"] = *settings.tile;
    if (settings.coil_chunk) changed["model"]["coil_chunk"] = *settings.coil_chunk;
    origin += " with the reconstruction's settings";
    t.config = train::from_json(changed, origin);
  }
  try {
    t.model = train::build_network(t.config.model, t.kind);
  } catch (const core::Error& e) {
    core::fail("{}: {}", origin, e.what());
  }
  train::load_checkpoint_weights(file, t.model->module());
  t.model->module().to(device);
  t.model->update_normalisation();
  t.model->module().eval();
  return t;
}

void check_data_kind(const TrainedModel& trained, io::DataKind kind, const std::string& data) {
  MELRECON_CHECK(trained.kind == kind, "{}: the model was trained on {} data, {} is {} data",
                 trained.source, core::choice_name(trained.kind), data, core::choice_name(kind));
}

void save_trained_model(const std::string& path, TrainedModel& trained, int64_t step) {
  torch::nn::Module& module = trained.model->module();
  torch::optim::Adam fresh(module.parameters(), torch::optim::AdamOptions(trained.config.optim.lr));
  train::TrainerState state;
  state.step = step;
  state.config_json = train::to_json(trained.config).dump();
  state.data_kind = core::choice_name(trained.kind);
  train::save_checkpoint(path, module, fresh, state);
}

at::Tensor apply_model(TrainedModel& trained, const at::Tensor& kspace, const at::Tensor& maps,
                       const at::Tensor& mask, const std::vector<int64_t>& fft_axes) {
  const c10::Device device = trained.model->module().parameters().front().device();
  std::vector<at::Tensor> outputs;
  for (int64_t b = 0; b < kspace.size(0); ++b) {
    const auto entry = [&](const at::Tensor& t) {
      return (t.size(0) == 1 ? t : t.narrow(0, b, 1)).to(device);
    };
    const mri::SenseOp given(
        entry(maps), entry(mask),
        mri::SenseOptions().fft_axes(fft_axes).coil_chunk(trained.config.model.coil_chunk));
    // MoDL learnt on unit coil maps (root-sum-of-squares at most 1) and data with max |Aᴴy| = 1:
    // maps scaled by `a` are used at unit scale and the image divided by `a` (y = M·F·(aS)·x),
    // so scaled maps neither change the image nor overflow AᴴA in float32.
    const double a = given.max_coil_rss();
    const bool rescale_maps = a > 0 && (a < 1e-3 || a > 1e3);
    const mri::SenseOp op = rescale_maps ? given.scaled(1.0 / a) : given;
    const double maps_scale = rescale_maps ? a : 1.0;
    const at::Tensor k = entry(kspace);
    const double data_scale = k.abs().max().item<double>();
    const at::Tensor aty = data_scale > 0 ? op.adjoint(k / data_scale) : at::Tensor();
    const double scale = aty.defined() ? aty.abs().max().item<double>() : 0.0;
    MELRECON_CHECK(std::isfinite(scale), "the data or coil maps are not finite (entry {})", b);
    if (scale == 0) {  // nothing measured
      outputs.push_back(at::zeros_like(op.adjoint(k)).cpu());
      continue;
    }
    const at::Tensor x =
        train::reconstruct(*trained.model, unrolled::Problem(op, k / (data_scale * scale)));
    outputs.push_back((x * (data_scale * scale / maps_scale)).cpu());
  }
  return at::cat(outputs, 0);
}

}  // namespace melrecon::eval

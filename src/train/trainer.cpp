#include "train/trainer.h"

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <torch/optim/adam.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <filesystem>

#include "core/error.h"
#include "core/memory_meter.h"
#include "core/random.h"
#include "train/conv3d_choice.h"
#include "train/data_parallel.h"
#include "train/initial_weights.h"
#include "train/learning_rate.h"
#include "train/loss_scaler.h"
#include "train/model_factory.h"
#include "train/progress.h"
#include "train/run_folder.h"
#include "train/step_examples.h"
#include "train/training_data.h"
#include "train/training_step.h"
#include "train/validation.h"

namespace melrecon::train {
namespace {

// Salt of the validation masks' seeds: fixed masks, distinct from any training mask.
constexpr uint64_t kValidationStream = 0x5A17D5EEDull;

// A new run that fails before its first checkpoint (a mask that cannot be made, a device that is
// not there) leaves no folder behind: its retry would find the folder taken.
class NewRunGuard {
 public:
  NewRunGuard(RunFolder& folder, bool active)
      : folder_(folder), active_(active), exceptions_(std::uncaught_exceptions()) {}
  ~NewRunGuard() {
    if (active_ && std::uncaught_exceptions() > exceptions_) folder_.discard();
  }
  void checkpointed() { active_ = false; }

 private:
  RunFolder& folder_;
  bool active_;
  int exceptions_;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TrainConfig load_run_config(const std::string& run_dir) {
  return load_config(RunFolder::config_path(run_dir), {});
}

TrainSummary train_model(const TrainConfig& requested, const TrainOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  dist::Group* const group = options.group();
  // Rank 0 alone writes the run folder (config, log, checkpoints) and validates.
  RunFolder folder(options.run_dir(), !group || group->rank() == 0, options.on_log());
  TrainConfig config = requested;
  // A resumed run computes as its first session did: model.conv3d auto is what that one chose.
  if (options.resume() && config.model.conv3d == nn::Conv3dPath::automatic &&
      std::filesystem::exists(RunFolder::config_path(options.run_dir()))) {
    config.model.conv3d = load_run_config(options.run_dir()).model.conv3d;
  }
  folder.check_start(config, options.resume());
  // Resuming a run stopped before its first checkpoint starts it from step 0: nothing is lost.
  const bool from_checkpoint = options.resume() && folder.has_checkpoint();

  use_threads(group, config.run.threads);
  const c10::Device device = process_device(group, config.run.device);
  if (device.is_cpu()) core::MemoryMeter::install();  // before anything it should count

  TrainingData data = open_training_data(config.data);
  const io::DataKind kind = data.kind();
  // Timed in one process only: ranks that chose differently would not compute alike.
  if (!group || group->size() == 1) {
    choose_conv3d_path(config.model, kind, data.example_shape(config.data.slab), device,
                       folder.writes());
  }

  at::manual_seed(config.run.seed);  // weight initialisation
  const Network network = build_network(config.model, kind);
  unrolled::UnrolledModel& model = *network;
  if (!from_checkpoint && !config.model.init.empty()) {
    load_initial_weights(config.model.init, kind, model);
  }
  DataParallel parallel(group, model.module().parameters());
  model.module().to(device);
  auto strategy = gradient_strategy(config.optim);
  torch::optim::Adam optimizer(
      model.module().parameters(),
      torch::optim::AdamOptions(config.optim.lr).weight_decay(config.optim.weight_decay));
  TrainingStep training_step(config, data, parallel, device);

  TrainerState state;
  if (from_checkpoint) {
    state = load_checkpoint(folder.checkpoint_path(), model.module(), optimizer);
    MELRECON_CHECK(state.step < config.optim.steps,
                   "{}: already trained {} steps, so optim.steps {} leaves nothing to resume; give "
                   "more steps (--steps) to continue training",
                   options.run_dir(), state.step, config.optim.steps);
    if (folder.writes() && state.world_size != parallel.ranks()) {
      std::fprintf(
          stderr,
          "note: %s was trained by %lld process(es), now %lld: the effective batch "
          "changes from %lld to %lld and the examples of each step from here differ "
          "from the original run's\n",
          options.run_dir().c_str(), static_cast<long long>(state.world_size),
          static_cast<long long>(parallel.ranks()),
          static_cast<long long>(state.world_size * config.optim.batch * config.optim.accumulate),
          static_cast<long long>(training_step.effective_batch()));
    }
  } else {
    state.order = epoch_order(static_cast<int64_t>(data.train_examples.size()), config.run.seed, 0);
  }
  // Written once the data, the network and the checkpoint opened: a mistake in any of them
  // leaves the folder as it was.
  folder.create(config);
  NewRunGuard guard(folder, !options.resume());
  state.world_size = parallel.ranks();
  state.config_json = to_json(config).dump();
  state.data_kind = core::choice_name(kind);
  parallel.share_initial_weights();
  LossScaler scaler(config.model.precision == nn::Precision::float16, state.loss_scaler);
  folder.open_logs(state.step, config.run.tensorboard);

  const int64_t effective_batch = training_step.effective_batch();
  if (folder.writes() && effective_batch > 1) {
    std::fprintf(stderr, "effective batch %lld = %lld process(es) x batch %lld x accumulate %lld\n",
                 static_cast<long long>(effective_batch), static_cast<long long>(parallel.ranks()),
                 static_cast<long long>(config.optim.batch),
                 static_cast<long long>(config.optim.accumulate));
  }
  const bool validates = folder.writes() && !data.val_examples.empty();
  int64_t last_checkpoint = from_checkpoint ? state.step : -1;
  TrainSummary summary;
  summary.val_psnr = summary.val_ssim = std::nan("");
  Progress progress(config.optim.steps, state.step, config.run.progress && folder.writes());
  std::string val_text;
  int64_t session_steps = 0;
  while (state.step < config.optim.steps) {
    const auto step_start = std::chrono::steady_clock::now();
    core::MemoryMeter::reset_peak(device);
    const TakenStep taken = training_step.take(state, model, *strategy, optimizer, scaler);
    const OptimiserStepResult& r = taken.result;
    state.loss_scaler = scaler.state();
    MELRECON_CHECK(
        r.finite, "step {}: the loss or its gradient is not finite on example {}; stopped, {}",
        state.step + 1, taken.examples,
        last_checkpoint >= 0 ? fmt::format("the last good checkpoint (step {}) is kept in {}",
                                           last_checkpoint, folder.checkpoint_path())
                             : std::string("no checkpoint was written yet"));
    ++state.step;  // (the data position moved when the step drew its examples)
    ++session_steps;
    const int64_t peak = core::MemoryMeter::peak_bytes(device);
    summary.peak_bytes = std::max(summary.peak_bytes, peak);
    summary.last_loss = r.loss;
    if (state.step % config.run.log_every == 0) {
      nlohmann::json entry{{"type", "step"},
                           {"step", state.step},
                           {"epoch", state.epoch},
                           {"loss", r.loss},
                           {"lr", learning_rate(config.optim, state.step - 1)},
                           {"grad_norm", r.grad_norm},
                           {"seconds", seconds_since(step_start)},
                           {"peak_bytes", peak},
                           {"example", taken.examples}};
      if (effective_batch > 1) entry["effective_batch"] = effective_batch;
      if (scaler.enabled()) {
        entry["loss_scale"] = r.loss_scale;
        entry["skipped"] = r.skipped;
      }
      for (const auto& [name, value] : model.scalars()) entry[name] = value;
      folder.log(entry);
    }
    folder.scalar("train/loss", r.loss, state.step);
    for (const auto& [name, value] : model.scalars()) {
      folder.scalar("train/" + name, value, state.step);
    }
    if (validates && (state.step % config.run.val_every == 0 || state.step == config.optim.steps)) {
      const ValidationResult v =
          validation_metrics(model, config.model.coil_chunk, data.val_source(), data.val_examples,
                             config.sampling, kind, data.val_source().fft_axes(),
                             core::derive_seed(config.run.seed, kValidationStream), device);
      summary.val_psnr = v.psnr;
      summary.val_ssim = v.ssim;
      folder.log({{"type", "val"},
                  {"step", state.step},
                  {"psnr", v.psnr},
                  {"ssim", v.ssim},
                  {"nrmse", v.nrmse},
                  {"examples", v.count}});
      folder.scalar("val/psnr", v.psnr, state.step);
      folder.scalar("val/ssim", v.ssim, state.step);
      val_text = fmt::format(" val {:.2f} dB / SSIM {:.3f}", v.psnr, v.ssim);
    }
    if (state.step % config.run.checkpoint_every == 0 || state.step == config.optim.steps) {
      folder.save_checkpoint(model.module(), optimizer, state);
      last_checkpoint = state.step;
      guard.checkpointed();
    }
    progress.update(state.step, fmt::format("loss {:.4g}{} peak {:.0f} MiB", r.loss, val_text,
                                            peak / 1048576.0));
    if (options.stop_after_steps() > 0 && session_steps >= options.stop_after_steps()) break;
  }
  progress.finish();
  summary.steps = state.step;
  summary.seconds = seconds_since(started);
  return summary;
}

}  // namespace melrecon::train

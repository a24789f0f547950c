#include "train/trainer.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <torch/optim/adam.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <optional>
#include <thread>

#include "core/error.h"
#include "core/memory_meter.h"
#include "core/random.h"
#include "dist/flat_buckets.h"
#include "io/atomic_file.h"
#include "train/checkpoint.h"
#include "train/loss_scaler.h"
#include "train/losses.h"
#include "train/model_factory.h"
#include "train/optimiser_step.h"
#include "train/prepared_example.h"
#include "train/progress.h"
#include "train/run_log.h"
#include "train/step_examples.h"
#include "train/tensorboard_writer.h"
#include "train/validation.h"

namespace melrecon::train {
namespace fs = std::filesystem;
namespace {

// Salt of the validation masks' seeds: fixed masks, distinct from any training mask.
constexpr uint64_t kValidationStream = 0x5A17D5EEDull;

double learning_rate(const OptimConfig& o, int64_t step) {
  if (step < o.warmup_steps) return o.lr * (step + 1) / static_cast<double>(o.warmup_steps);
  const double t =
      static_cast<double>(step - o.warmup_steps) / std::max<int64_t>(1, o.steps - o.warmup_steps);
  switch (o.schedule) {
    case Schedule::constant:
      return o.lr;
    case Schedule::cosine:
      return o.lr * 0.5 * (1 + std::cos(M_PI * t));
    case Schedule::step:
      return o.lr * (t < 0.5 ? 1.0 : t < 0.75 ? 0.1 : 0.01);
  }
  core::fail_internal(__FILE__, __LINE__, "schedule {} has no rate", static_cast<int>(o.schedule));
}

void set_learning_rate(torch::optim::Adam& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) {
    static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
  }
}

std::string config_path(const std::string& run_dir) {
  return (fs::path(run_dir) / "config.json").string();
}
std::string checkpoint_path(const std::string& run_dir) {
  return (fs::path(run_dir) / "checkpoint.pt").string();
}

// Everything that shapes the trajectory must match between a run and its resumption: all but
// the number of steps and the run section's bookkeeping (seed excepted).
void check_resumable(const TrainConfig& saved, const TrainConfig& requested,
                     const std::string& run_dir) {
  const auto trajectory = [](const TrainConfig& c) {
    nlohmann::json j = to_json(c);
    j["optim"].erase("steps");
    j["run"] = {{"seed", c.run.seed}};
    return j;
  };
  MELRECON_CHECK(trajectory(saved) == trajectory(requested),
                 "{}: the configuration differs from the run's config.json; a resumed run may only "
                 "change optim.steps and run.* (except run.seed)",
                 run_dir);
}

}  // namespace

TrainConfig load_run_config(const std::string& run_dir) {
  return load_config(config_path(run_dir), {});
}

TrainSummary train_model(const TrainConfig& requested, const TrainOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const std::string& run_dir = options.run_dir();
  TrainConfig config = requested;
  dist::Group* group = options.group();
  const int64_t ranks = group ? group->size() : 1;
  const int64_t rank = group ? group->rank() : 0;
  const bool writer = rank == 0;  // the one process that writes the run folder
  // A run folder holds one run: config.json marks it. Resuming a run that was stopped before
  // its first checkpoint starts it from step 0, which loses nothing either.
  const bool has_checkpoint = fs::exists(checkpoint_path(run_dir));
  if (options.resume()) {
    MELRECON_CHECK(fs::exists(config_path(run_dir)), "{}: no run to resume (no config.json)",
                   run_dir);
    check_resumable(load_run_config(run_dir), requested, run_dir);
  } else if (writer) {
    MELRECON_CHECK(!fs::exists(config_path(run_dir)),
                   "{}: already holds a run; use --resume or a new run folder", run_dir);
  }
  if (config.run.threads > 0) {
    at::set_num_threads(static_cast<int>(config.run.threads));
  } else if (group && group->env().local_world_size > 1) {  // the machine's cores, shared
    at::set_num_threads(static_cast<int>(
        std::max<int64_t>(1, static_cast<int64_t>(std::thread::hardware_concurrency()) /
                                 group->env().local_world_size)));
  }
  c10::Device device(config.run.device);
  if (group && device.is_cuda()) {  // one GPU per process
    device = c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(group->env().local_rank));
  }
  if (device.is_cpu()) core::MemoryMeter::install();

  data::ExampleSource source(config.data.train);
  const io::DataKind kind = source.kind();
  auto [train_cases, val_cases] =
      data::split_cases(static_cast<int64_t>(source.case_names().size()),
                        config.data.val.empty() ? config.data.val_fraction : 0.0);
  const std::vector<data::ExampleRef> train_examples = source.examples(train_cases);
  MELRECON_CHECK(!train_examples.empty(), "{}: no training examples", config.data.train);
  std::unique_ptr<data::ExampleSource> val_source;
  std::vector<data::ExampleRef> val_examples;
  if (!config.data.val.empty()) {
    val_source = std::make_unique<data::ExampleSource>(config.data.val);
    MELRECON_CHECK(val_source->kind() == kind, "{}: validation data is {}, training data is {}",
                   config.data.val, core::choice_name(val_source->kind()), core::choice_name(kind));
    std::vector<int64_t> all(val_source->case_names().size());
    std::iota(all.begin(), all.end(), 0);
    val_examples = val_source->examples(all);
  } else {
    val_examples = source.examples(val_cases);
  }
  data::ExampleSource& vsource = val_source ? *val_source : source;
  if (config.data.val_examples > 0 &&
      static_cast<int64_t>(val_examples.size()) > config.data.val_examples) {
    val_examples.resize(config.data.val_examples);
  }

  // Written once the data opened, so a mistyped path leaves no half-made run behind.
  if (writer) {
    fs::create_directories(run_dir);
    // What a killed run was writing when it died (checkpoint.pt.tmp.<pid>, ...).
    for (const char* file : {"checkpoint.pt", "config.json", "log.jsonl"}) {
      io::remove_stale_temporaries((fs::path(run_dir) / file).string());
    }
    io::write_file_atomically(config_path(run_dir),
                              [&](std::ostream& out) { out << to_json(config).dump(2) << "\n"; });
  }

  at::manual_seed(config.run.seed);  // weight initialisation
  const Network network = build_network(config.model, kind);
  unrolled::UnrolledModel& model = *network;
  model.module().to(device);
  auto strategy = gradient_strategy(config.optim);
  torch::optim::Adam optimizer(
      model.module().parameters(),
      torch::optim::AdamOptions(config.optim.lr).weight_decay(config.optim.weight_decay));

  TrainerState state;
  if (options.resume() && has_checkpoint) {
    state = load_checkpoint(checkpoint_path(run_dir), model.module(), optimizer);
    if (writer && state.world_size != ranks) {
      std::fprintf(
          stderr,
          "note: %s was trained by %lld process(es), now %lld: the effective batch "
          "changes from %lld to %lld and the examples of each step from here differ "
          "from the original run's\n",
          run_dir.c_str(), static_cast<long long>(state.world_size), static_cast<long long>(ranks),
          static_cast<long long>(state.world_size * config.optim.batch * config.optim.accumulate),
          static_cast<long long>(ranks * config.optim.batch * config.optim.accumulate));
    }
  } else {
    state.order = epoch_order(static_cast<int64_t>(train_examples.size()), config.run.seed, 0);
  }
  state.world_size = ranks;
  // Every process starts from rank 0's weights; gradients are then averaged in a fixed layout.
  std::vector<at::Tensor> parameters = model.module().parameters();
  const dist::FlatBuckets buckets(parameters);
  if (group) {
    torch::NoGradGuard no_grad;
    buckets.broadcast(*group, parameters);
  }
  LossScaler scaler(config.model.precision == nn::Precision::float16, state.loss_scaler);
  state.config_json = to_json(config).dump();
  state.data_kind = core::choice_name(kind);
  std::unique_ptr<RunLog> run_log;
  if (writer)
    run_log = std::make_unique<RunLog>((fs::path(run_dir) / "log.jsonl").string(), state.step);
  const auto write_log = [&](const nlohmann::json& entry) {
    if (!writer) return;
    run_log->write(entry);
    if (options.on_log()) options.on_log()(entry);
  };
  std::unique_ptr<TensorBoardWriter> tensorboard;
  if (config.run.tensorboard && writer) {
    tensorboard = std::make_unique<TensorBoardWriter>((fs::path(run_dir) / "tensorboard").string());
  }

  const auto validate = [&]() {
    return validation_metrics(model, config.model.coil_chunk, vsource, val_examples,
                              config.sampling, kind, vsource.fft_axes(),
                              core::derive_seed(config.run.seed, kValidationStream), device);
  };
  int64_t last_checkpoint = options.resume() && has_checkpoint ? state.step : -1;
  TrainSummary summary;
  summary.val_psnr = summary.val_ssim = std::nan("");
  Progress progress(config.optim.steps, state.step, config.run.progress && writer);
  std::string val_text;
  int64_t session_steps = 0;
  const int64_t n_train = static_cast<int64_t>(train_examples.size());
  const int64_t batch = config.optim.batch, accumulate = config.optim.accumulate;
  const int64_t effective_batch = ranks * batch * accumulate;
  const mri::SenseOptions sense =
      mri::SenseOptions().fft_axes(source.fft_axes()).coil_chunk(config.model.coil_chunk);
  if (writer && (ranks > 1 || effective_batch > 1)) {
    std::fprintf(stderr, "effective batch %lld = %lld process(es) x batch %lld x accumulate %lld\n",
                 static_cast<long long>(effective_batch), static_cast<long long>(ranks),
                 static_cast<long long>(batch), static_cast<long long>(accumulate));
  }
  const GradientSync average_gradients =
      group ? GradientSync([&](std::vector<at::Tensor>& g) { buckets.average(*group, g); })
            : GradientSync();
  while (state.step < config.optim.steps) {
    const std::vector<DrawnExample> drawn =
        draw_examples(state, n_train, config.run.seed, effective_batch);
    std::string names;  // this process's examples of the step, for the log and messages
    const auto prepare = [&](const DrawnExample& d) {
      const uint64_t mask_seed = core::derive_seed(
          core::derive_seed(config.run.seed, config.sampling.vary_per_epoch ? d.epoch + 1 : 0),
          static_cast<uint64_t>(d.index));
      PreparedExample ex = prepare_example(source.load(train_examples[d.index]), config.sampling,
                                           kind, sense, mask_seed, device);
      names += (names.empty() ? "" : ",") + ex.name;
      return ex;
    };
    // Micro-batches made one micro-step at a time: only one micro-step's examples in memory.
    int64_t micro = 0;
    std::vector<MicroBatch> pending;
    const MicroBatches next = [&]() -> std::optional<MicroBatch> {
      while (pending.empty() && micro < accumulate) {
        std::vector<PreparedExample> examples;
        for (const DrawnExample& d : share_of(drawn, micro, rank, ranks, batch)) {
          examples.push_back(prepare(d));
        }
        pending = stacked_micro_batches(examples, config.optim.loss, batch * accumulate);
        std::reverse(pending.begin(), pending.end());
        ++micro;
      }
      if (pending.empty()) return std::nullopt;
      MicroBatch part = std::move(pending.back());
      pending.pop_back();
      return part;
    };

    const auto step_start = std::chrono::steady_clock::now();
    core::MemoryMeter::reset_peak(device);
    set_learning_rate(optimizer, learning_rate(config.optim, state.step));
    OptimiserStepResult r = optimiser_step(model, *strategy, optimizer, next, scaler,
                                           config.optim.grad_clip, average_gradients);
    if (group) {  // the logged loss: the mean over every process's examples
      at::Tensor mean_loss = at::full({1}, r.loss, at::TensorOptions(at::kDouble).device(device));
      group->allreduce_sum(mean_loss);
      r.loss = mean_loss.item<double>() / static_cast<double>(ranks);
      if (!std::isfinite(r.loss)) r.finite = false;
    }
    state.loss_scaler = scaler.state();
    const double loss = r.loss, grad_norm = r.grad_norm, loss_scale = r.loss_scale;
    const bool skipped = r.skipped;
    MELRECON_CHECK(
        r.finite, "step {}: the loss or its gradient is not finite on example {}; stopped, {}",
        state.step + 1, names,
        last_checkpoint >= 0 ? fmt::format("the last good checkpoint (step {}) is kept in {}",
                                           last_checkpoint, checkpoint_path(run_dir))
                             : std::string("no checkpoint was written yet"));
    ++state.step;
    ++state.position;
    ++session_steps;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - step_start).count();
    const int64_t peak = core::MemoryMeter::peak_bytes(device);
    summary.peak_bytes = std::max(summary.peak_bytes, peak);
    summary.last_loss = loss;
    if (state.step % config.run.log_every == 0) {
      nlohmann::json entry{{"type", "step"},
                           {"step", state.step},
                           {"epoch", state.epoch},
                           {"loss", loss},
                           {"lr", learning_rate(config.optim, state.step - 1)},
                           {"grad_norm", grad_norm},
                           {"seconds", seconds},
                           {"peak_bytes", peak},
                           {"example", names}};
      if (effective_batch > 1) entry["effective_batch"] = effective_batch;
      if (scaler.enabled()) {
        entry["loss_scale"] = loss_scale;
        entry["skipped"] = skipped;
      }
      for (const auto& [name, value] : model.scalars()) entry[name] = value;
      write_log(entry);
    }
    if (tensorboard) {
      tensorboard->add_scalar("train/loss", loss, state.step);
      for (const auto& [name, value] : model.scalars()) {
        tensorboard->add_scalar("train/" + name, value, state.step);
      }
    }
    if (writer && !val_examples.empty() &&
        (state.step % config.run.val_every == 0 || state.step == config.optim.steps)) {
      const ValidationResult v = validate();
      summary.val_psnr = v.psnr;
      summary.val_ssim = v.ssim;
      write_log({{"type", "val"},
                 {"step", state.step},
                 {"psnr", v.psnr},
                 {"ssim", v.ssim},
                 {"nrmse", v.nrmse},
                 {"examples", v.count}});
      if (tensorboard) {
        tensorboard->add_scalar("val/psnr", v.psnr, state.step);
        tensorboard->add_scalar("val/ssim", v.ssim, state.step);
      }
      val_text = fmt::format(" val {:.2f} dB / SSIM {:.3f}", v.psnr, v.ssim);
    }
    if (state.step % config.run.checkpoint_every == 0 || state.step == config.optim.steps) {
      if (writer) save_checkpoint(checkpoint_path(run_dir), model.module(), optimizer, state);
      last_checkpoint = state.step;
    }
    progress.update(state.step,
                    fmt::format("loss {:.4g}{} peak {:.0f} MiB", loss, val_text, peak / 1048576.0));
    if (options.stop_after_steps() > 0 && session_steps >= options.stop_after_steps()) break;
  }
  progress.finish();
  summary.steps = state.step;
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace melrecon::train

// `melrecon train`: MoDL training on a dataset folder with a chosen gradient strategy.
//
// Run folder: config.json (effective configuration), checkpoint.pt (atomic; weights,
// optimiser, data order, step), log.jsonl (every step and validation), tensorboard/ (optional).
// Every source of randomness is a function of (run.seed, epoch, example): the order of an
// epoch, each example's mask; so a run resumed from its checkpoint repeats exactly the steps an
// uninterrupted run would take, and ends with bit-identical weights.
#pragma once

#include <torch/arg.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "train/train_config.h"

namespace melrecon::dist {
class Group;
}

namespace melrecon::train {

using GroupHandle = dist::Group*;  // (TORCH_ARG would read `const dist::Group*` as const Group)

struct TrainOptions {
  TORCH_ARG(std::string, run_dir);
  TORCH_ARG(bool, resume) = false;
  // Stop (without a final checkpoint) after this many steps in this session, as if the
  // process had been killed; 0: run to the end. For tests of resumption.
  TORCH_ARG(int64_t, stop_after_steps) = 0;
  // Called with every entry written to log.jsonl (steps and validations), after it is written;
  // an exception it throws stops the run like an error of the trainer (the checkpoint stays).
  TORCH_ARG(std::function<void(const nlohmann::json&)>, on_log);
  // Data-parallel training: this process's group (not owned); null trains alone. Rank 0 writes
  // the run folder (config, log, checkpoints) and validates; every rank takes the same steps.
  TORCH_ARG(GroupHandle, group) = nullptr;
};

struct TrainSummary {
  int64_t steps = 0;
  double last_loss = 0.0;
  double val_psnr = 0.0;  // mean over the validation examples at the end (NaN: none)
  double val_ssim = 0.0;
  double seconds = 0.0;
  int64_t peak_bytes = 0;
};

TrainSummary train_model(const TrainConfig& config, const TrainOptions& options);

// The run's effective configuration (config.json in the run folder).
TrainConfig load_run_config(const std::string& run_dir);

}  // namespace melrecon::train

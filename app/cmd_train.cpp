#include <fmt/format.h>
#include <torch/cuda.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "app/choice_option.h"
#include "app/commands.h"
#include "app/local_ranks.h"
#include "app/options.h"
#include "core/device_choice.h"
#include "core/error.h"
#include "dist/group.h"
#include "dist/launch_env.h"
#include "plan/budget_choice.h"
#include "train/run_folder.h"
#include "train/trainer.h"

namespace melrecon::app {
namespace {

struct TrainArgs {
  std::string data, val, run_dir = "runs/modl", config, arch, strategy, dims, device, budget;
  std::vector<std::string> overrides;
  int64_t steps = 0, unrolls = 0, nproc = 0;
  bool resume = false;
};

void run_train(const TrainArgs& a) {
  const std::optional<dist::LaunchEnv> env = dist::launch_env_from_environment();
  if (a.nproc > 1) {
    MELRECON_CHECK(!env,
                   "train: --nproc starts its own ranks; this process is already rank {} of "
                   "{} ({})",
                   env->rank, env->world_size, env->launcher);
    run_local_ranks(static_cast<int>(a.nproc));
    return;
  }
  // torchrun restarts failed workers with their first command line: a restart continues the
  // run it started (from its last checkpoint, with its saved configuration, --budget's choice
  // included) instead of refusing the folder as taken. Every rank must see the run folder.
  const bool restarted = env && env->restart_count > 0 && !a.resume &&
                         std::filesystem::exists(train::RunFolder::config_path(a.run_dir));
  const bool resume = a.resume || restarted;
  if (restarted && env->rank == 0) {
    std::cerr << fmt::format("note: restart {} of the group: resuming {}\n", env->restart_count,
                             a.run_dir);
  }
  // Explicit flags are shorthands for overrides and come after --set ones.
  std::vector<std::string> overrides = a.overrides;
  const auto quoted = [](const std::string& s) { return nlohmann::json(s).dump(); };
  if (!a.data.empty()) overrides.push_back("data.train=" + quoted(a.data));
  if (!a.val.empty()) overrides.push_back("data.val=" + quoted(a.val));
  if (!a.arch.empty()) overrides.push_back("model.arch=" + quoted(a.arch));
  if (!a.strategy.empty()) overrides.push_back("optim.strategy=" + a.strategy);
  if (!a.dims.empty()) overrides.push_back("model.dims=" + a.dims);
  if (!a.device.empty()) overrides.push_back("run.device=" + quoted(a.device));
  if (a.steps > 0) overrides.push_back("optim.steps=" + std::to_string(a.steps));
  if (a.unrolls > 0) overrides.push_back("model.unrolls=" + std::to_string(a.unrolls));
  const std::string config_file =
      resume && a.config.empty() ? train::RunFolder::config_path(a.run_dir) : a.config;
  train::TrainConfig config = train::load_config(config_file, overrides);
  MELRECON_CHECK(!config.data.train.empty(),
                 "no training data: give --data or data.train in the config");
  if (!a.budget.empty() && !restarted) {  // a restart keeps what the first attempt chose
    MELRECON_CHECK(!resume,
                   "train: --budget chooses a new run's configuration; a resumed run keeps "
                   "the strategy and tiling saved in {}/config.json",
                   a.run_dir);
    const int64_t budget = plan::parse_bytes(a.budget);
    std::vector<mel::Strategy> strategies{mel::Strategy::full, mel::Strategy::mel};
    if (!a.strategy.empty() || config.optim.strategy == mel::Strategy::mel_invertible) {
      strategies = {config.optim.strategy};
    }
    const plan::BudgetChoice choice = plan::choose_for_budget(config, budget, strategies);
    std::cout << choice.plan.table();
    MELRECON_CHECK(choice.fits(), "train: no configuration fits the budget of {}", a.budget);
    std::cout << fmt::format("fastest under {}: {}\n", a.budget,
                             choice.plan.rows[choice.plan.chosen].candidate.label);
    config = choice.config;
  }
  std::unique_ptr<dist::Group> group;
  if (env && env->world_size > 1) {
    c10::Device device = core::device_choice(config.run.device, "run.device");
    if (device.is_cuda()) {
      // One GPU per process on a node: cuda:<local rank>.
      const auto gpus = static_cast<int64_t>(torch::cuda::device_count());
      MELRECON_CHECK(env->local_rank < gpus,
                     "train: local rank {} needs cuda:{}, but this process sees {} GPU(s): start "
                     "at most one process per GPU of a node, each seeing all of them (no "
                     "--gpus-per-task or --gpu-bind)",
                     env->local_rank, env->local_rank, gpus);
      device = c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(env->local_rank));
    }
    group = dist::Group::join(*env, device, std::chrono::seconds(config.run.timeout));
  }
  const auto s = train::train_model(
      config, train::TrainOptions().run_dir(a.run_dir).resume(resume).group(group.get()));
  if (group && group->rank() != 0) return;  // rank 0 reports
  const std::string validation =
      std::isnan(s.val_psnr)
          ? std::string("no validation examples")
          : fmt::format("validation PSNR {:.2f} dB, SSIM {:.4f}", s.val_psnr, s.val_ssim);
  std::cout << fmt::format(
      "trained {} steps in {:.0f} s: last loss {:.4g}, {}, peak memory {:.1f} MiB -> "
      "{}/checkpoint.pt\n",
      s.steps, s.seconds, s.last_loss, validation, s.peak_bytes / 1048576.0, a.run_dir);
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto a = std::make_shared<TrainArgs>();
  auto* cmd = app.add_subcommand(
      "train",
      "Train an unrolled network (MoDL or a variational network) on a dataset folder (see "
      "`melrecon simulate` / `convert`), a fastMRI .h5 file "
      "or a folder of .h5 files. Settings come from "
      "defaults, then --config (JSON), then --set section.key=value overrides, then the flags "
      "below; the effective configuration is saved as <run>/config.json. Keys: see "
      "docs/training.md");
  cmd->add_option("--data", a->data,
                  "Training data: dataset folder, fastMRI .h5 file or folder of them (data.train)");
  cmd->add_option("--val", a->val, "Separate validation data, the same kinds (data.val)");
  cmd->add_option("--run", a->run_dir, "Run folder: config.json, checkpoint.pt, log.jsonl")
      ->capture_default_str()
      ->check(non_empty_path());
  cmd->add_option("--config", a->config, "JSON configuration file");
  cmd->add_option("--set", a->overrides, "Override a key: --set model.unrolls=10 (repeatable)");
  cmd->add_option("--arch", a->arch,
                  "Unrolled network (model.arch): modl (CG data consistency) or varnet "
                  "(learned gradient steps)")
      ->check(names_of<train::Arch>());
  cmd->add_option("--strategy", a->strategy, "Gradient strategy (optim.strategy)")
      ->check(names_of<mel::Strategy>());
  cmd->add_option("--dims", a->dims,
                  "2d: a slice/frame-wise 2D network on 3D or cine data (model.dims), the "
                  "baseline for the 3D / 2D+t networks")
      ->check(names_of<train::NetDims>());
  cmd->add_option("--steps", a->steps, "Optimiser steps (optim.steps)")
      ->check(CLI::Range(1, 1000000000));
  cmd->add_option("--unrolls", a->unrolls, "Unrolls (model.unrolls)")->check(CLI::Range(1, 1000));
  cmd->add_option("--device", a->device, "cpu or cuda[:N] (run.device)");
  cmd->add_option("--budget", a->budget,
                  "Memory budget, e.g. 8GiB: before training, `melrecon plan` on this data picks "
                  "the fastest strategy (full or mel, unless --strategy is given) and CNN tiling "
                  "predicted to fit; exit 1 if none does");
  cmd->add_option("--nproc", a->nproc,
                  "Train data-parallel with this many processes on this machine (ranks of a "
                  "Gloo group on the CPU, NCCL on GPUs: cuda:0..N-1); under torchrun or SLURM's "
                  "srun, melrecon joins their group instead (docs/training.md)")
      ->check(CLI::Range(1, 1024));
  cmd->add_flag("--resume", a->resume,
                "Continue the run in --run from its checkpoint (bit-identical to an uninterrupted "
                "run); only optim.steps and run.* may change");
  cmd->callback([a] { run_train(*a); });
}

}  // namespace melrecon::app

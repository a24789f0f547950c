// The run folder as training writes it: config.json (the effective configuration, written once
// the data, the network and a resumed checkpoint opened, so a mistake in any of them leaves no
// half-made run), log.jsonl, tensorboard/ and
// checkpoint.pt, each written atomically or line by line. In a data-parallel group every
// process holds one, but only rank 0's writes; the others' writes do nothing, so the training
// loop never asks which process it is.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "train/checkpoint.h"
#include "train/train_config.h"

namespace melrecon::train {

class RunLog;
class TensorBoardWriter;

class RunFolder {
 public:
  using LogCallback = std::function<void(const nlohmann::json&)>;
  RunFolder(std::string dir, bool writes, LogCallback on_log);
  ~RunFolder();

  // The files a run is made of, beside tensorboard/.
  static constexpr const char* kCheckpointFile = "checkpoint.pt";
  static constexpr const char* kConfigFile = "config.json";
  static constexpr const char* kLogFile = "log.jsonl";
  static constexpr std::array<const char*, 3> kFiles{kCheckpointFile, kConfigFile, kLogFile};

  static std::string config_path(const std::string& dir);
  std::string checkpoint_path() const;
  bool writes() const { return writes_; }
  bool has_checkpoint() const;

  // Before any work: resuming needs the run's config.json, whose trajectory (everything but
  // optim.steps and run.* except the seed) must equal `requested`'s; a new run needs a folder
  // that holds none.
  void check_start(const TrainConfig& requested, bool resume) const;
  // Creates the folder, removes what a killed run was writing (checkpoint.pt.tmp.<pid>, ...)
  // and writes config.json.
  void create(const TrainConfig& config);
  // Opens log.jsonl keeping its lines through `step` (the checkpoint's), and TensorBoard.
  void open_logs(int64_t step, bool tensorboard);
  // Removes what create() and the logs wrote, and the folder when that leaves it empty: a new
  // run that failed before its first checkpoint leaves nothing that would block its retry.
  void discard();

  // A log.jsonl entry, then the caller's callback.
  void log(const nlohmann::json& entry);
  void scalar(const std::string& tag, double value, int64_t step);
  void save_checkpoint(torch::nn::Module& model, torch::optim::Adam& optimizer,
                       const TrainerState& state);

 private:
  std::string dir_;
  bool writes_;
  LogCallback on_log_;
  std::unique_ptr<RunLog> log_;
  std::unique_ptr<TensorBoardWriter> tensorboard_;
};

}  // namespace melrecon::train

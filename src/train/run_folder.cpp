#include "train/run_folder.h"

#include <filesystem>
#include <ostream>

#include "core/error.h"
#include "io/atomic_file.h"
#include "io/dataset.h"
#include "io/path_relation.h"
#include "train/run_log.h"
#include "train/tensorboard_writer.h"

namespace melrecon::train {
namespace fs = std::filesystem;

RunFolder::RunFolder(std::string dir, bool writes, LogCallback on_log)
    : dir_(std::move(dir)), writes_(writes), on_log_(std::move(on_log)) {}
RunFolder::~RunFolder() = default;

std::string RunFolder::config_path(const std::string& dir) {
  return (fs::path(dir) / kConfigFile).string();
}
std::string RunFolder::checkpoint_path() const {
  return (fs::path(dir_) / kCheckpointFile).string();
}
bool RunFolder::has_checkpoint() const { return fs::exists(checkpoint_path()); }

void RunFolder::check_start(const TrainConfig& requested, bool resume) const {
  MELRECON_CHECK(!dir_.empty(), "the run folder's path is empty");
  MELRECON_CHECK(!fs::exists(dir_) || fs::is_directory(dir_), "{}: is a file, not a run folder",
                 dir_);
  // A run in the data folder mixes its files into the data; one inside a dataset goes with the
  // dataset when that is regenerated (a dataset folder is replaced whole).
  for (const std::string& data : {requested.data.train, requested.data.val}) {
    std::error_code error;
    if (data.empty() || !fs::is_directory(data, error)) continue;
    MELRECON_CHECK(io::path_within(dir_, data) != ".",
                   "{}: is the data folder; give the run a folder of its own", dir_);
    MELRECON_CHECK(
        !fs::exists(fs::path(data) / io::kDatasetIndex, error) || !io::is_within(dir_, data),
        "{}: lies in the dataset {}, which is replaced whole when regenerated; give "
        "the run a folder of its own",
        dir_, data);
  }
  if (!resume) {
    MELRECON_CHECK(!writes_ || !fs::exists(config_path(dir_)),
                   "{}: already holds a run; use --resume or a new run folder", dir_);
    return;
  }
  MELRECON_CHECK(fs::exists(config_path(dir_)), "{}: no run to resume (no config.json)", dir_);
  const auto trajectory = [](const TrainConfig& c) {
    nlohmann::json j = to_json(c);
    j["optim"].erase("steps");
    j["run"] = {{"seed", c.run.seed}};
    return j;
  };
  MELRECON_CHECK(trajectory(load_config(config_path(dir_), {})) == trajectory(requested),
                 "{}: the configuration differs from the run's config.json; a resumed run may only "
                 "change optim.steps and run.* (except run.seed)",
                 dir_);
}

void RunFolder::create(const TrainConfig& config) {
  if (!writes_) return;
  std::error_code error;
  fs::create_directories(dir_, error);
  MELRECON_CHECK(!error, "{}: cannot create the run folder ({})", dir_, error.message());
  for (const char* file : kFiles) {
    io::remove_stale_temporaries((fs::path(dir_) / file).string());
  }
  io::write_file_atomically(config_path(dir_),
                            [&](std::ostream& out) { out << to_json(config).dump(2) << "\n"; });
}

void RunFolder::open_logs(int64_t step, bool tensorboard) {
  if (!writes_) return;
  log_ = std::make_unique<RunLog>((fs::path(dir_) / kLogFile).string(), step);
  if (tensorboard) {
    tensorboard_ = std::make_unique<TensorBoardWriter>((fs::path(dir_) / "tensorboard").string());
  }
}

void RunFolder::discard() {
  if (!writes_) return;
  log_.reset();
  tensorboard_.reset();
  std::error_code ignored;
  for (const char* name : {kConfigFile, kLogFile, "tensorboard"}) {
    fs::remove_all(fs::path(dir_) / name, ignored);
  }
  fs::remove(dir_, ignored);  // only when empty
}

void RunFolder::log(const nlohmann::json& entry) {
  if (!log_) return;
  log_->write(entry);
  if (on_log_) on_log_(entry);
}

void RunFolder::scalar(const std::string& tag, double value, int64_t step) {
  if (tensorboard_) tensorboard_->add_scalar(tag, value, step);
}

void RunFolder::save_checkpoint(torch::nn::Module& model, torch::optim::Adam& optimizer,
                                const TrainerState& state) {
  if (writes_) train::save_checkpoint(checkpoint_path(), model, optimizer, state);
}

}  // namespace melrecon::train

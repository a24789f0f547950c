#include "train/checkpoint.h"

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "io/atomic_file.h"

namespace melrecon::train {
namespace {

constexpr int64_t kFormatVersion = 1;

at::Tensor to_tensor(const std::vector<int64_t>& v) {
  return torch::tensor(v.empty() ? std::vector<int64_t>{} : v, torch::kLong);
}

torch::serialize::InputArchive open_archive(const std::string& path) {
  core::check(std::filesystem::exists(path), "{}: checkpoint not found", path);
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path);
  } catch (const c10::Error& e) {
    core::fail("{}: not a melrecon checkpoint (cannot be read: {})", path,
               std::string(e.what_without_backtrace()).substr(0, 120));
  }
  at::Tensor version;
  core::check(archive.try_read("format_version", version) && version.item<int64_t>() == kFormatVersion,
              "{}: not a melrecon checkpoint of format version {}", path, kFormatVersion);
  return archive;
}

void load_module(torch::serialize::InputArchive& archive, torch::nn::Module& model,
                 const std::string& path) {
  torch::serialize::InputArchive weights;
  core::check(archive.try_read("model", weights), "{}: checkpoint has no model weights", path);
  try {
    model.load(weights);
  } catch (const c10::Error& e) {
    core::fail("{}: weights do not fit this model (different configuration?): {}", path,
               std::string(e.what_without_backtrace()).substr(0, 160));
  }
}

std::string read_string(torch::serialize::InputArchive& archive, const char* key) {
  c10::IValue value;
  if (!archive.try_read(key, value) || !value.isString()) return {};
  return value.toStringRef();
}

}  // namespace

void save_checkpoint(const std::string& path, torch::nn::Module& model,
                     torch::optim::Optimizer& optimizer, const TrainerState& state) {
  torch::serialize::OutputArchive archive;
  archive.write("format_version", torch::tensor(kFormatVersion));
  torch::serialize::OutputArchive weights, optim;
  model.save(weights);
  optimizer.save(optim);
  archive.write("model", weights);
  archive.write("optimizer", optim);
  archive.write("step", torch::tensor(state.step));
  archive.write("epoch", torch::tensor(state.epoch));
  archive.write("position", torch::tensor(state.position));
  archive.write("order", to_tensor(state.order));
  archive.write("config", c10::IValue(state.config_json));
  archive.write("data_kind", c10::IValue(state.data_kind));
  archive.write("loss_scale", torch::tensor(state.loss_scaler.scale, torch::kDouble));
  archive.write("loss_scale_finite_steps", torch::tensor(state.loss_scaler.finite_steps));
  std::ostringstream bytes;
  archive.save_to(bytes);
  io::write_file_atomically(path, [&](std::ostream& out) { out << bytes.str(); });
}

namespace {

TrainerState read_state(torch::serialize::InputArchive& archive, const std::string& path) {
  TrainerState state;
  at::Tensor t;
  const auto read_int = [&](const char* key) {
    core::check(archive.try_read(key, t), "{}: checkpoint has no '{}'", path, key);
    return t.item<int64_t>();
  };
  state.step = read_int("step");
  state.epoch = read_int("epoch");
  state.position = read_int("position");
  core::check(archive.try_read("order", t), "{}: checkpoint has no data order", path);
  state.order.assign(t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + t.numel());
  state.config_json = read_string(archive, "config");
  state.data_kind = read_string(archive, "data_kind");
  // Optional: checkpoints written before loss scaling existed keep the initial scale.
  if (archive.try_read("loss_scale", t)) state.loss_scaler.scale = t.item<double>();
  if (archive.try_read("loss_scale_finite_steps", t)) {
    state.loss_scaler.finite_steps = t.item<int64_t>();
  }
  return state;
}

}  // namespace

TrainerState load_checkpoint(const std::string& path, torch::nn::Module& model,
                             torch::optim::Optimizer& optimizer) {
  torch::serialize::InputArchive archive = open_archive(path);
  load_module(archive, model, path);
  torch::serialize::InputArchive optim;
  core::check(archive.try_read("optimizer", optim), "{}: checkpoint has no optimiser state", path);
  optimizer.load(optim);
  return read_state(archive, path);
}

TrainerState read_checkpoint_state(const std::string& path) {
  torch::serialize::InputArchive archive = open_archive(path);
  return read_state(archive, path);
}

void load_checkpoint_weights(const std::string& path, torch::nn::Module& model) {
  torch::serialize::InputArchive archive = open_archive(path);
  load_module(archive, model, path);
}

}  // namespace melrecon::train

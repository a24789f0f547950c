#include "train/checkpoint.h"

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/tensor_checks.h"
#include "io/atomic_file.h"
#include "train/adam_state.h"

namespace melrecon::train {
namespace {

constexpr int64_t kFormatVersion = 1;

at::Tensor to_tensor(const std::vector<int64_t>& v) {
  return torch::tensor(v.empty() ? std::vector<int64_t>{} : v, torch::kLong);
}

// A fresh tensor per key: InputArchive::try_read into a defined tensor reinterprets its storage
// in that tensor's dtype (a stored double read back as int64).
bool try_read_tensor(torch::serialize::InputArchive& archive, const char* key, at::Tensor& out) {
  at::Tensor fresh;
  if (!archive.try_read(key, fresh)) return false;
  out = fresh;
  return true;
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
  core::check(try_read_tensor(archive, "format_version", version) && version.item<int64_t>() == kFormatVersion,
              "{}: not a melrecon checkpoint of format version {}", path, kFormatVersion);
  return archive;
}

// FNV-1a over the bytes of every parameter and buffer, in name order: damage to stored weights
// that still parses (a flipped bit inside a tensor) is caught on load.
int64_t weights_checksum(const torch::nn::Module& model) {
  uint64_t hash = 1469598103934665603ULL;
  const auto add = [&](const std::string& name, const at::Tensor& t) {
    for (char c : name) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    const at::Tensor bytes = t.detach().to(at::kCPU).contiguous();
    const auto* p = static_cast<const unsigned char*>(bytes.data_ptr());
    for (int64_t i = 0; i < bytes.nbytes(); ++i) hash = (hash ^ p[i]) * 1099511628211ULL;
  };
  for (const auto& item : model.named_parameters()) add(item.key(), item.value());
  for (const auto& item : model.named_buffers()) add(item.key(), item.value());
  return static_cast<int64_t>(hash);
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
  at::Tensor stored;
  if (try_read_tensor(archive, "weights_checksum", stored)) {  // absent in older checkpoints
    core::check(stored.item<int64_t>() == weights_checksum(model),
                "{}: the weights do not match their checksum (the file is damaged)", path);
  }
  for (const auto& item : model.named_parameters()) {
    core::check_finite(item.value(), path + ": weight '" + item.key() + "'");
  }
}

std::string read_string(torch::serialize::InputArchive& archive, const char* key) {
  c10::IValue value;
  if (!archive.try_read(key, value) || !value.isString()) return {};
  return value.toStringRef();
}

}  // namespace

void save_checkpoint(const std::string& path, torch::nn::Module& model, torch::optim::Adam& optimizer,
                     const TrainerState& state) {
  torch::serialize::OutputArchive archive;
  archive.write("format_version", torch::tensor(kFormatVersion));
  torch::serialize::OutputArchive weights, adam;
  model.save(weights);
  write_adam_state(adam, model, optimizer);
  archive.write("model", weights);
  archive.write("weights_checksum", torch::tensor(weights_checksum(model)));
  archive.write("adam", adam);
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
    core::check(try_read_tensor(archive, key, t), "{}: checkpoint has no '{}'", path, key);
    return t.item<int64_t>();
  };
  state.step = read_int("step");
  state.epoch = read_int("epoch");
  state.position = read_int("position");
  core::check(try_read_tensor(archive, "order", t) && t.scalar_type() == at::kLong,
              "{}: checkpoint has no data order", path);
  state.order.assign(t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + t.numel());
  state.config_json = read_string(archive, "config");
  state.data_kind = read_string(archive, "data_kind");
  // Optional: checkpoints written before loss scaling existed keep the initial scale.
  if (try_read_tensor(archive, "loss_scale", t)) state.loss_scaler.scale = t.item<double>();
  if (try_read_tensor(archive, "loss_scale_finite_steps", t)) {
    state.loss_scaler.finite_steps = t.item<int64_t>();
  }
  return state;
}

}  // namespace

TrainerState load_checkpoint(const std::string& path, torch::nn::Module& model,
                             torch::optim::Adam& optimizer) {
  torch::serialize::InputArchive archive = open_archive(path);
  load_module(archive, model, path);
  torch::serialize::InputArchive optim;
  if (archive.try_read("adam", optim)) {
    read_adam_state(optim, model, optimizer, path);
  } else {  // checkpoints before the state was keyed by name: LibTorch's own format
    core::check(archive.try_read("optimizer", optim), "{}: checkpoint has no optimiser state", path);
    optimizer.load(optim);
  }
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

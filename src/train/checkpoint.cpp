#include "train/checkpoint.h"

#include <fmt/ranges.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "core/error.h"
#include "core/tensor_checks.h"
#include "io/atomic_file.h"
#include "train/adam_state.h"
#include "train/run_folder.h"

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

// The file: a 16-byte magic, the archive's length and its FNV-1a hash (8 bytes each, little
// endian), then LibTorch's archive. LibTorch's unpickler can terminate the process on a damaged
// archive instead of throwing, so nothing reaches it unless every byte is as written.
constexpr char kMagic[16] = {'M', 'E', 'L', 'R', 'E', 'C', 'O', 'N',
                             '-', 'C', 'K', 'P', 'T', 0,   0,   1};
constexpr size_t kPreamble = sizeof(kMagic) + 16;

uint64_t fnv1a(const char* data, size_t size) {
  uint64_t hash = 1469598103934665603ULL;
  for (size_t i = 0; i < size; ++i)
    hash = (hash ^ static_cast<unsigned char>(data[i])) * 1099511628211ULL;
  return hash;
}

void put_u64(std::string& out, uint64_t v) {
  for (int b = 0; b < 8; ++b) out.push_back(static_cast<char>((v >> (8 * b)) & 0xff));
}

uint64_t get_u64(const std::string& in, size_t at) {
  uint64_t v = 0;
  for (int b = 7; b >= 0; --b) v = (v << 8) | static_cast<unsigned char>(in[at + b]);
  return v;
}

torch::serialize::InputArchive open_archive(const std::string& path) {
  MELRECON_CHECK(std::filesystem::exists(path), "{}: checkpoint not found", path);
  MELRECON_CHECK(!std::filesystem::is_directory(path), "{}: is a folder, not a checkpoint", path);
  std::ifstream in(path, std::ios::binary);
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  MELRECON_CHECK(
      file.size() >= kPreamble && std::equal(kMagic, kMagic + sizeof(kMagic), file.begin()),
      "{}: not a melrecon checkpoint (or one written before checkpoints carried a checksum)", path);
  const uint64_t length = get_u64(file, sizeof(kMagic));
  MELRECON_CHECK(length == file.size() - kPreamble,
                 "{}: damaged checkpoint: it holds {} bytes after its header, the header says {}",
                 path, file.size() - kPreamble, length);
  MELRECON_CHECK(get_u64(file, sizeof(kMagic) + 8) == fnv1a(file.data() + kPreamble, length),
                 "{}: damaged checkpoint: its contents do not match their checksum", path);
  torch::serialize::InputArchive archive;
  try {
    std::istringstream archive_bytes(file.substr(kPreamble));
    // Onto the CPU whatever device wrote it: a run trained on a GPU is read where there is none;
    // load_module puts the weights on the model's device.
    archive.load_from(archive_bytes, torch::Device(torch::kCPU));
  } catch (const c10::Error& e) {
    core::fail("{}: not a melrecon checkpoint (cannot be read: {})", path,
               core::first_line(e.what_without_backtrace()).substr(0, 120));
  }
  at::Tensor version;
  MELRECON_CHECK(try_read_tensor(archive, "format_version", version) && version.numel() == 1 &&
                     version.item<int64_t>() == kFormatVersion,
                 "{}: not a melrecon checkpoint of format version {}", path, kFormatVersion);
  return archive;
}

void load_module(torch::serialize::InputArchive& archive, torch::nn::Module& model,
                 const std::string& path) {
  torch::serialize::InputArchive weights;
  MELRECON_CHECK(archive.try_read("model", weights), "{}: checkpoint has no model weights", path);
  // LibTorch's load replaces a tensor of another shape instead of refusing it.
  std::vector<std::pair<std::string, std::vector<int64_t>>> shapes;
  for (const auto& item : model.named_parameters()) {
    shapes.emplace_back(item.key(), item.value().sizes().vec());
  }
  // LibTorch's load moves a parameter to the device of the file's tensor; it goes back.
  const auto parameters = model.parameters();
  const c10::Device device = parameters.empty() ? c10::Device(c10::kCPU) : parameters[0].device();
  try {
    model.load(weights);
  } catch (const c10::Error& e) {
    core::fail("{}: weights do not fit this model (different configuration?): {}", path,
               std::string(e.what_without_backtrace()).substr(0, 160));
  }
  model.to(device);
  const auto loaded = model.named_parameters();
  for (const auto& [name, shape] : shapes) {
    MELRECON_CHECK(loaded[name].sizes().vec() == shape,
                   "{}: weights do not fit this model (different configuration?): '{}' is {} "
                   "there, {} here",
                   path, name, fmt::format("{}", loaded[name].sizes().vec()),
                   fmt::format("{}", shape));
  }
  for (const auto& item : loaded) {
    core::check_finite(item.value(), path + ": weight '" + item.key() + "'");
  }
}

std::string read_string(torch::serialize::InputArchive& archive, const char* key) {
  c10::IValue value;
  if (!archive.try_read(key, value) || !value.isString()) return {};
  return value.toStringRef();
}

}  // namespace

void save_checkpoint(const std::string& path, torch::nn::Module& model,
                     torch::optim::Adam& optimizer, const TrainerState& state) {
  torch::serialize::OutputArchive archive;
  archive.write("format_version", torch::tensor(kFormatVersion));
  torch::serialize::OutputArchive weights, adam;
  model.save(weights);
  write_adam_state(adam, model, optimizer);
  archive.write("model", weights);
  archive.write("adam", adam);
  archive.write("step", torch::tensor(state.step));
  archive.write("epoch", torch::tensor(state.epoch));
  archive.write("position", torch::tensor(state.position));
  archive.write("order", to_tensor(state.order));
  archive.write("config", c10::IValue(state.config_json));
  archive.write("data_kind", c10::IValue(state.data_kind));
  archive.write("loss_scale", torch::tensor(state.loss_scaler.scale, torch::kDouble));
  archive.write("loss_scale_finite_steps", torch::tensor(state.loss_scaler.finite_steps));
  archive.write("world_size", torch::tensor(state.world_size));
  std::ostringstream bytes;
  archive.save_to(bytes);
  const std::string payload = bytes.str();
  std::string preamble(kMagic, sizeof(kMagic));
  put_u64(preamble, payload.size());
  put_u64(preamble, fnv1a(payload.data(), payload.size()));
  io::write_file_atomically(path, [&](std::ostream& out) { out << preamble << payload; });
}

namespace {

TrainerState read_state(torch::serialize::InputArchive& archive, const std::string& path) {
  TrainerState state;
  at::Tensor t;
  const auto read_int = [&](const char* key) {
    MELRECON_CHECK(try_read_tensor(archive, key, t), "{}: checkpoint has no '{}'", path, key);
    return t.item<int64_t>();
  };
  state.step = read_int("step");
  state.epoch = read_int("epoch");
  state.position = read_int("position");
  MELRECON_CHECK(try_read_tensor(archive, "order", t) && t.scalar_type() == at::kLong,
                 "{}: checkpoint has no data order", path);
  state.order.assign(t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + t.numel());
  state.config_json = read_string(archive, "config");
  state.data_kind = read_string(archive, "data_kind");
  // Optional: checkpoints written before loss scaling existed keep the initial scale.
  if (try_read_tensor(archive, "loss_scale", t)) state.loss_scaler.scale = t.item<double>();
  if (try_read_tensor(archive, "loss_scale_finite_steps", t)) {
    state.loss_scaler.finite_steps = t.item<int64_t>();
  }
  // Optional: checkpoints before distributed training were written by one process.
  if (try_read_tensor(archive, "world_size", t)) state.world_size = t.item<int64_t>();
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
    MELRECON_CHECK(archive.try_read("optimizer", optim), "{}: checkpoint has no optimiser state",
                   path);
    optimizer.load(optim);
  }
  return read_state(archive, path);
}

TrainerState read_checkpoint_state(const std::string& path) {
  torch::serialize::InputArchive archive = open_archive(path);
  return read_state(archive, path);
}

std::string checkpoint_file(const std::string& run_or_file) {
  return std::filesystem::is_directory(run_or_file)
             ? (std::filesystem::path(run_or_file) / RunFolder::kCheckpointFile).string()
             : run_or_file;
}

void load_checkpoint_weights(const std::string& path, torch::nn::Module& model) {
  torch::serialize::InputArchive archive = open_archive(path);
  load_module(archive, model, path);
}

}  // namespace melrecon::train

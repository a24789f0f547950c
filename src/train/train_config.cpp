#include "train/train_config.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>

#include "core/error.h"
#include "io/json_value.h"

namespace melrecon::train {
namespace {

using nlohmann::json;

// The values a numeric key accepts (each element for a list); unrestricted when not given. The
// range is part of every message about the key. Word-valued keys accept their enum's names.
struct Limits {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false, hi_open = false;

  bool admits(double v) const {
    return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
  }
  std::string describe() const {
    if (std::isinf(hi)) return fmt::format("{} {}", lo_open ? ">" : ">=", lo);
    return fmt::format("{}{}, {}{}", lo_open ? "(" : "[", lo, hi, hi_open ? ")" : "]");
  }
};

Limits in(double lo, double hi) { return {lo, hi}; }
Limits above(double lo, double hi) { return {lo, hi, true, false}; }  // (lo, hi]
Limits below(double lo, double hi) { return {lo, hi, false, true}; }  // [lo, hi)
const Limits kAny{};
constexpr double kMaxSteps = 1e9;

// One table drives both directions, so a key cannot be saved but not loaded (or vice versa),
// and holds what each key accepts.
template <typename F>
void for_each_field(TrainConfig& c, F&& f) {
  f("data", "train", c.data.train, kAny);
  f("data", "val", c.data.val, kAny);
  f("data", "val_fraction", c.data.val_fraction, below(0, 1));
  f("data", "val_examples", c.data.val_examples, in(0, 1e6));
  f("data", "slab", c.data.slab, in(0, 16384));
  f("data", "flip", c.data.flip, kAny);
  f("sampling", "source", c.sampling.source, kAny);
  f("sampling", "pattern", c.sampling.pattern, kAny);
  f("sampling", "accel", c.sampling.accel, in(1, 1000));
  f("sampling", "calib", c.sampling.calib, in(0, 4096));
  f("sampling", "vary_per_epoch", c.sampling.vary_per_epoch, kAny);
  f("model", "arch", c.model.arch, kAny);
  f("model", "unrolls", c.model.unrolls, in(1, 1000));
  f("model", "cg_iters", c.model.cg_iters, in(1, 10000));
  f("model", "cg_tol", c.model.cg_tol, below(0, 1));
  f("model", "lambda", c.model.lambda, in(1e-9, 1e6));  // below, float32 rounds it to 0
  f("model", "learn_lambda", c.model.learn_lambda, kAny);
  f("model", "share_weights", c.model.share_weights, kAny);
  f("model", "conv", c.model.conv, kAny);
  f("model", "dims", c.model.dims, kAny);
  f("model", "net", c.model.net, kAny);
  f("model", "layers", c.model.layers, in(2, 100));
  f("model", "features", c.model.features, in(1, 4096));
  f("model", "unet_levels", c.model.unet_levels, in(1, 6));
  f("model", "depth_dilation", c.model.depth_dilation, in(1, 1024));
  f("model", "cyclic_depth", c.model.cyclic_depth, kAny);
  f("model", "padding", c.model.padding, kAny);
  f("model", "lipschitz", c.model.lipschitz, below(0, 1));
  f("model", "tile", c.model.tile, in(0, 65536));
  f("model", "coil_chunk", c.model.coil_chunk, in(0, 4096));
  f("model", "precision", c.model.precision, kAny);
  f("model", "conv3d", c.model.conv3d, kAny);
  f("model", "step_size", c.model.step_size, above(0, 100));
  f("model", "varnet_start", c.model.varnet_start, kAny);
  f("model", "init", c.model.init, kAny);
  f("optim", "strategy", c.optim.strategy, kAny);
  f("optim", "steps", c.optim.steps, in(1, kMaxSteps));
  f("optim", "lr", c.optim.lr, above(0, 10));  // Adam's step is about lr: beyond, nothing trains
  f("optim", "schedule", c.optim.schedule, kAny);
  f("optim", "warmup_steps", c.optim.warmup_steps, in(0, kMaxSteps));
  f("optim", "grad_clip", c.optim.grad_clip, in(0, 1e9));
  f("optim", "loss", c.optim.loss, kAny);
  f("optim", "weight_decay", c.optim.weight_decay, in(0, 1));
  f("optim", "inversion_checkpoint_every", c.optim.inversion_checkpoint_every, in(1, 1000));
  f("optim", "offload_to_host", c.optim.offload_to_host, kAny);
  f("optim", "batch", c.optim.batch, in(1, 4096));
  f("optim", "accumulate", c.optim.accumulate, in(1, 65536));
  f("run", "seed", c.run.seed, kAny);
  f("run", "device", c.run.device, kAny);
  f("run", "threads", c.run.threads, in(0, 1024));
  f("run", "val_every", c.run.val_every, in(1, kMaxSteps));
  f("run", "checkpoint_every", c.run.checkpoint_every, in(1, kMaxSteps));
  f("run", "log_every", c.run.log_every, in(1, kMaxSteps));
  f("run", "tensorboard", c.run.tensorboard, kAny);
  f("run", "progress", c.run.progress, kAny);
  f("run", "timeout", c.run.timeout, in(1, 604800));
}

// Where each key's value came from ("section.key" -> the file or override), for messages.
using Origins = std::map<std::string, std::string>;

template <typename T>
struct is_optional : std::false_type {};
template <typename T>
struct is_optional<std::optional<T>> : std::true_type {};

// A word-valued key: its enum's name, or "auto" for an optional one left unset.
template <typename T>
json word_of(const T& value) {
  if constexpr (is_optional<T>::value) {
    return value ? json(core::choice_name(*value)) : json("auto");
  } else {
    return core::choice_name(value);
  }
}

template <typename T>
void read_word(const json& v, T& out, const std::string& origin, const std::string& key) {
  MELRECON_CHECK(v.is_string(), "{}: '{}' must be a string, found {}", origin, key, v.dump());
  const std::string word = v.get<std::string>();
  constexpr bool optional = is_optional<T>::value;
  if constexpr (optional) {
    if (word == "auto") {
      out.reset();
      return;
    }
  }
  using E = typename std::conditional_t<optional, T, std::optional<T>>::value_type;
  const auto found = choices(E{}).find(word);
  MELRECON_CHECK(found, "{}: '{}' is '{}', expected one of {}{}", origin, key, word,
                 optional ? "auto, " : "", choices(E{}).listing());
  out = *found;
}

template <typename T>
constexpr bool is_word_v = core::has_choices<T>::value || is_optional<T>::value;

template <typename T>
void read_value(const json& v, T& out, const std::string& origin, const std::string& key) {
  if constexpr (is_word_v<T>) {
    read_word(v, out, origin, key);
  } else {
    io::read_json_value(v, out, origin, key);
  }
}

// Every key against its limits, then what depends on several keys. Messages name the key, its
// value and what it accepts, and where the value came from.
void validate(TrainConfig c, const Origins& origins, const std::string& fallback) {
  const auto origin = [&](const std::string& key) {
    const auto it = origins.find(key);
    return it == origins.end() ? fallback : it->second;
  };
  for_each_field(c, [&](const char* section, const char* name, const auto& value, const Limits& l) {
    using T = std::decay_t<decltype(value)>;
    const std::string key = std::string(section) + "." + name;
    if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
      for (int64_t v : value) {
        MELRECON_CHECK(l.admits(static_cast<double>(v)), "{}: '{}' holds {}, expected each in {}",
                       origin(key), key, v, l.describe());
      }
    } else if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
      MELRECON_CHECK(l.admits(static_cast<double>(value)), "{}: '{}' is {}, expected {}",
                     origin(key), key, value, l.describe());
    }
  });
  if (c.model.net == NetKind::unet) {
    MELRECON_CHECK(c.model.tile.empty(), "{}: 'model.tile' is not supported with model.net unet",
                   origin("model.tile"));
    MELRECON_CHECK(c.model.lipschitz <= 0,
                   "{}: 'model.lipschitz' (and so mel-invertible) needs model.net cnn",
                   origin("model.lipschitz"));
    MELRECON_CHECK(c.model.conv != nn::ConvKind::conv2p1d,
                   "{}: model.net unet has no '2+1d' convolutions", origin("model.conv"));
    MELRECON_CHECK(c.model.depth_dilation.empty(), "{}: 'model.depth_dilation' needs model.net cnn",
                   origin("model.depth_dilation"));
    MELRECON_CHECK(!c.model.cyclic_depth, "{}: 'model.cyclic_depth' needs model.net cnn",
                   origin("model.cyclic_depth"));
  }
  MELRECON_CHECK(c.model.depth_dilation.empty() ||
                     static_cast<int64_t>(c.model.depth_dilation.size()) == c.model.layers,
                 "{}: 'model.depth_dilation' has {} values, expected one per layer ({})",
                 origin("model.depth_dilation"), c.model.depth_dilation.size(), c.model.layers);
  MELRECON_CHECK(!c.model.cyclic_depth || c.model.tile.empty() || c.model.tile.front() == 0,
                 "{}: 'model.cyclic_depth' needs the Z|T axis untiled ('model.tile' [0, ...])",
                 origin("model.cyclic_depth"));
  // A slab in hybrid space needs the readout fully sampled; a 2D Poisson-disc mask is not.
  MELRECON_CHECK(c.data.slab == 0 || c.sampling.pattern != sampling::MaskKind::poisson2d,
                 "{}: 'data.slab' needs the readout fully sampled, 'sampling.pattern' 2d-poisson "
                 "undersamples it",
                 origin("data.slab"));
  MELRECON_CHECK(c.model.precision != nn::Precision::float16 || c.run.device.rfind("cuda", 0) == 0,
                 "{}: 'model.precision' float16 needs run.device cuda (bfloat16 runs on the CPU)",
                 origin("model.precision"));
  MELRECON_CHECK(
      c.optim.strategy != mel::Strategy::mel_invertible || c.model.lipschitz > 0,
      "{}: 'optim.strategy' mel-invertible needs a contractive CNN: set 'model.lipschitz' "
      "(e.g. 0.9)",
      origin("optim.strategy"));
  // The Lipschitz bound of a convolution holds for zero padding; replicate padding repeats edge
  // values, so the bound (and mel-invertible's inversion) would not hold.
  MELRECON_CHECK(
      c.model.lipschitz <= 0 || c.model.padding == Padding::zeros,
      "{}: 'model.lipschitz' {} needs 'model.padding' zeros (the bound does not hold with "
      "replicate padding)",
      origin("model.lipschitz"), c.model.lipschitz);
  MELRECON_CHECK(c.optim.warmup_steps <= c.optim.steps,
                 "{}: 'optim.warmup_steps' is {}, more than 'optim.steps' {}",
                 origin("optim.warmup_steps"), c.optim.warmup_steps, c.optim.steps);
}

// Merges `src` into the defaults `dst`, rejecting keys that do not exist there; records where
// each merged key came from.
void merge_known(json& dst, const json& src, const std::string& origin, Origins& origins) {
  MELRECON_CHECK(src.is_object(), "{}: expected a JSON object", origin);
  for (const auto& [section, values] : src.items()) {
    MELRECON_CHECK(dst.contains(section), "{}: unknown section '{}'", origin, section);
    MELRECON_CHECK(values.is_object(), "{}: section '{}' must be an object", origin, section);
    for (const auto& [key, value] : values.items()) {
      MELRECON_CHECK(dst[section].contains(key), "{}: unknown key '{}.{}'", origin, section, key);
      dst[section][key] = value;
      origins[section + "." + key] = origin;
    }
  }
}

json parse_override_value(const std::string& text) {
  try {
    return json::parse(text);
  } catch (const json::exception&) {
    return text;  // a bare string: `optim.loss=ssim`
  }
}

}  // namespace

json to_json(const TrainConfig& config) {
  TrainConfig c = config;
  json j = json::object();
  for_each_field(c, [&](const char* section, const char* key, auto& value, const Limits&) {
    using T = std::decay_t<decltype(value)>;
    if constexpr (is_word_v<T>) {
      j[section][key] = word_of(value);
    } else {
      j[section][key] = value;
    }
  });
  return j;
}

namespace {

// Types only: the values of a complete configuration (defaults merged) read into the struct;
// a wrong type is reported with where that key's value came from.
TrainConfig read_typed(const json& complete, const Origins& origins, const std::string& fallback) {
  TrainConfig c;
  for_each_field(c, [&](const char* section, const char* key, auto& value, const Limits&) {
    const std::string name = std::string(section) + "." + key;
    const auto it = origins.find(name);
    read_value(complete[section][key], value, it == origins.end() ? fallback : it->second, name);
  });
  return c;
}

}  // namespace

TrainConfig from_json(const json& j, const std::string& origin) {
  json merged = to_json(TrainConfig{});
  Origins origins;
  merge_known(merged, j, origin, origins);
  TrainConfig c = read_typed(merged, origins, origin);
  validate(c, origins, origin);
  return c;
}

TrainConfig load_config(const std::string& file, const std::vector<std::string>& overrides) {
  json j = to_json(TrainConfig{});
  Origins origins;
  if (!file.empty()) {
    MELRECON_CHECK(!std::filesystem::is_directory(file),
                   "{}: is a folder, not a configuration file", file);
    std::ifstream in(file);
    MELRECON_CHECK(in.good(), "{}: cannot open configuration file", file);
    json from_file;
    try {
      in >> from_file;
    } catch (const json::exception& e) {
      core::fail("{}: not valid JSON ({})", file, e.what());
    }
    merge_known(j, from_file, file, origins);
    // The file's own types are checked before overrides, which would otherwise hide its errors.
    read_typed(j, origins, file);
  }
  for (const std::string& o : overrides) {
    const auto eq = o.find('=');
    const auto dot = o.find('.');
    MELRECON_CHECK(eq != std::string::npos && dot != std::string::npos && dot < eq,
                   "override '{}': expected section.key=value", o);
    json patch;
    patch[o.substr(0, dot)][o.substr(dot + 1, eq - dot - 1)] =
        parse_override_value(o.substr(eq + 1));
    merge_known(j, patch, "override '" + o + "'", origins);
  }
  const std::string origin = file.empty() ? "configuration" : file;
  TrainConfig c = read_typed(j, origins, origin);
  validate(c, origins, origin);
  return c;
}

}  // namespace melrecon::train

#include "train/train_config.h"

#include <fstream>

#include "core/error.h"

namespace melrecon::train {
namespace {

using nlohmann::json;

// One table drives both directions, so a key cannot be saved but not loaded (or vice versa).
template <typename F>
void for_each_field(TrainConfig& c, F&& f) {
  f("data", "train", c.data.train);
  f("data", "val", c.data.val);
  f("data", "val_fraction", c.data.val_fraction);
  f("data", "val_examples", c.data.val_examples);
  f("sampling", "source", c.sampling.source);
  f("sampling", "pattern", c.sampling.pattern);
  f("sampling", "accel", c.sampling.accel);
  f("sampling", "calib", c.sampling.calib);
  f("sampling", "vary_per_epoch", c.sampling.vary_per_epoch);
  f("model", "unrolls", c.model.unrolls);
  f("model", "cg_iters", c.model.cg_iters);
  f("model", "cg_tol", c.model.cg_tol);
  f("model", "lambda", c.model.lambda);
  f("model", "learn_lambda", c.model.learn_lambda);
  f("model", "share_weights", c.model.share_weights);
  f("model", "conv", c.model.conv);
  f("model", "dims", c.model.dims);
  f("model", "net", c.model.net);
  f("model", "layers", c.model.layers);
  f("model", "features", c.model.features);
  f("model", "unet_levels", c.model.unet_levels);
  f("model", "padding", c.model.padding);
  f("model", "lipschitz", c.model.lipschitz);
  f("model", "tile", c.model.tile);
  f("model", "coil_chunk", c.model.coil_chunk);
  f("model", "precision", c.model.precision);
  f("model", "conv3d", c.model.conv3d);
  f("optim", "strategy", c.optim.strategy);
  f("optim", "steps", c.optim.steps);
  f("optim", "lr", c.optim.lr);
  f("optim", "schedule", c.optim.schedule);
  f("optim", "warmup_steps", c.optim.warmup_steps);
  f("optim", "grad_clip", c.optim.grad_clip);
  f("optim", "loss", c.optim.loss);
  f("optim", "weight_decay", c.optim.weight_decay);
  f("optim", "inversion_checkpoint_every", c.optim.inversion_checkpoint_every);
  f("optim", "offload_to_host", c.optim.offload_to_host);
  f("run", "seed", c.run.seed);
  f("run", "device", c.run.device);
  f("run", "threads", c.run.threads);
  f("run", "val_every", c.run.val_every);
  f("run", "checkpoint_every", c.run.checkpoint_every);
  f("run", "log_every", c.run.log_every);
  f("run", "tensorboard", c.run.tensorboard);
  f("run", "progress", c.run.progress);
}

template <typename T>
void read_value(const json& v, T& out, const std::string& origin, const std::string& key) {
  try {
    if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
      bool integers = v.is_array();
      for (const json& e : v) integers = integers && e.is_number_integer();
      core::check(integers, "{}: '{}' must be a list of integers, found {}", origin, key, v.dump());
    } else if constexpr (std::is_same_v<T, bool>) {
      core::check(v.is_boolean(), "{}: '{}' must be true or false, found {}", origin, key, v.dump());
    } else if constexpr (std::is_arithmetic_v<T>) {
      core::check(v.is_number(), "{}: '{}' must be a number, found {}", origin, key, v.dump());
      if constexpr (std::is_integral_v<T>) {
        core::check(v.is_number_integer() || v.get<double>() == static_cast<double>(v.get<int64_t>()),
                    "{}: '{}' must be an integer, found {}", origin, key, v.dump());
      }
    } else {
      core::check(v.is_string(), "{}: '{}' must be a string, found {}", origin, key, v.dump());
    }
    out = v.get<T>();
  } catch (const json::exception& e) {
    core::fail("{}: '{}': {}", origin, key, e.what());
  }
}

void check_one_of(const std::string& value, std::initializer_list<const char*> allowed,
                  const std::string& origin, const std::string& key) {
  std::string list;
  for (const char* a : allowed) {
    if (value == a) return;
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  core::fail("{}: '{}' is '{}', expected one of {}", origin, key, value, list);
}

void validate(const TrainConfig& c, const std::string& o) {
  check_one_of(c.sampling.source, {"generate", "stored"}, o, "sampling.source");
  check_one_of(c.model.conv, {"auto", "2d", "3d", "2+1d"}, o, "model.conv");
  check_one_of(c.model.dims, {"auto", "2d"}, o, "model.dims");
  check_one_of(c.model.net, {"cnn", "unet"}, o, "model.net");
  check_one_of(c.model.padding, {"zeros", "replicate"}, o, "model.padding");
  check_one_of(c.model.precision, {"float32", "bfloat16", "float16"}, o, "model.precision");
  check_one_of(c.model.conv3d, {"auto", "native", "depth-major"}, o, "model.conv3d");
  check_one_of(c.optim.strategy, {"full", "mel", "mel-invertible"}, o, "optim.strategy");
  check_one_of(c.optim.schedule, {"constant", "cosine", "step"}, o, "optim.schedule");
  check_one_of(c.optim.loss, {"l1", "l2", "ssim"}, o, "optim.loss");
  core::check(c.sampling.accel >= 1, "{}: 'sampling.accel' must be >= 1", o);
  core::check(c.model.unrolls >= 1, "{}: 'model.unrolls' must be >= 1", o);
  core::check(c.model.cg_iters >= 1, "{}: 'model.cg_iters' must be >= 1", o);
  core::check(c.model.lambda > 0, "{}: 'model.lambda' must be > 0", o);
  core::check(c.model.layers >= 2 && c.model.features >= 1,
              "{}: 'model.layers' must be >= 2 and 'model.features' >= 1", o);
  for (int64_t t : c.model.tile) core::check(t >= 0, "{}: 'model.tile' sizes must be >= 0", o);
  if (c.model.net == "unet") {
    core::check(c.model.unet_levels >= 1 && c.model.unet_levels <= 6,
                "{}: 'model.unet_levels' must be 1..6", o);
    core::check(c.model.tile.empty(), "{}: 'model.tile' is not supported with model.net unet", o);
    core::check(c.model.lipschitz <= 0,
                "{}: 'model.lipschitz' (and so mel-invertible) needs model.net cnn", o);
    core::check(c.model.conv != "2+1d", "{}: model.net unet has no '2+1d' convolutions", o);
  }
  core::check(c.model.coil_chunk >= 0, "{}: 'model.coil_chunk' must be >= 0", o);
  core::check(c.model.precision != "float16" || c.run.device.rfind("cuda", 0) == 0,
              "{}: 'model.precision' float16 needs run.device cuda (bfloat16 runs on the CPU)", o);
  core::check(c.optim.steps >= 1, "{}: 'optim.steps' must be >= 1", o);
  core::check(c.optim.lr > 0, "{}: 'optim.lr' must be > 0", o);
  core::check(c.data.val_fraction >= 0 && c.data.val_fraction < 1,
              "{}: 'data.val_fraction' must be in [0, 1)", o);
  core::check(c.run.val_every >= 1 && c.run.checkpoint_every >= 1 && c.run.log_every >= 1,
              "{}: 'run.val_every', 'run.checkpoint_every' and 'run.log_every' must be >= 1", o);
  core::check(c.optim.strategy != "mel-invertible" || c.model.lipschitz > 0,
              "{}: 'optim.strategy' mel-invertible needs a contractive CNN: set 'model.lipschitz' "
              "(e.g. 0.9)", o);
}

// Merges `src` into the defaults `dst`, rejecting keys that do not exist there.
void merge_known(json& dst, const json& src, const std::string& origin) {
  core::check(src.is_object(), "{}: expected a JSON object", origin);
  for (const auto& [section, values] : src.items()) {
    core::check(dst.contains(section), "{}: unknown section '{}'", origin, section);
    core::check(values.is_object(), "{}: section '{}' must be an object", origin, section);
    for (const auto& [key, value] : values.items()) {
      core::check(dst[section].contains(key), "{}: unknown key '{}.{}'", origin, section, key);
      dst[section][key] = value;
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
  for_each_field(c, [&](const char* section, const char* key, auto& value) {
    j[section][key] = value;
  });
  return j;
}

namespace {

// Types only: the values of a complete configuration (defaults merged) read into the struct.
TrainConfig read_typed(const json& complete, const std::string& origin) {
  TrainConfig c;
  for_each_field(c, [&](const char* section, const char* key, auto& value) {
    read_value(complete[section][key], value, origin, std::string(section) + "." + key);
  });
  return c;
}

}  // namespace

TrainConfig from_json(const json& j, const std::string& origin) {
  json merged = to_json(TrainConfig{});
  merge_known(merged, j, origin);
  TrainConfig c = read_typed(merged, origin);
  validate(c, origin);
  return c;
}

TrainConfig load_config(const std::string& file, const std::vector<std::string>& overrides) {
  json j = to_json(TrainConfig{});
  if (!file.empty()) {
    std::ifstream in(file);
    core::check(in.good(), "{}: cannot open configuration file", file);
    json from_file;
    try {
      in >> from_file;
    } catch (const json::exception& e) {
      core::fail("{}: not valid JSON ({})", file, e.what());
    }
    merge_known(j, from_file, file);
  }
  for (const std::string& o : overrides) {
    const auto eq = o.find('=');
    const auto dot = o.find('.');
    core::check(eq != std::string::npos && dot != std::string::npos && dot < eq,
                "override '{}': expected section.key=value", o);
    json patch;
    patch[o.substr(0, dot)][o.substr(dot + 1, eq - dot - 1)] = parse_override_value(o.substr(eq + 1));
    const std::string origin = "override '" + o + "'";
    merge_known(j, patch, origin);
    read_typed(j, origin);
  }
  const std::string origin = file.empty() ? "configuration" : file;
  TrainConfig c = read_typed(j, origin);
  validate(c, origin);
  return c;
}

}  // namespace melrecon::train

// The configuration of a training run: JSON, every key overridable from the command line as
// `section.key=value`; the effective configuration is saved next to the run (config.json).
// Unknown keys and wrong types are errors naming the file (or the override) and the key.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace melrecon::train {

struct DataConfig {
  std::string train;          // dataset folder (melrecon layout) or fastMRI .h5 file/folder
  std::string val;            // optional separate validation set
  double val_fraction = 0.2;  // without `val`: this fraction of the cases (at least 1) validates
  int64_t val_examples = 4;   // validation examples evaluated each time (0: all)
};

struct SamplingConfig {
  std::string source = "generate";  // generate a mask per example and epoch, or use "stored"
  std::string pattern = "auto";     // mask kind (see `melrecon mask --help`); auto: from the data
  double accel = 6.0;
  int64_t calib = 12;
  bool vary_per_epoch = true;  // new masks every epoch (augmentation) or one per example
};

struct ModelConfig {
  std::string arch = "modl";  // modl | varnet (the unrolled network; docs/training.md)
  int64_t unrolls = 5;
  int64_t cg_iters = 8;
  double cg_tol = 0.0;
  double lambda = 0.05;
  bool learn_lambda = true;
  bool share_weights = true;
  std::string conv = "auto";          // 2d | 3d | 2+1d; auto: 2d for 2D data, 3d otherwise
  std::string dims = "auto";          // "2d": slice/frame-wise 2D CNN on 3D or cine data (baseline)
  std::string net = "cnn";            // cnn (MoDL's plain residual CNN) | unet (a small U-Net)
  int64_t layers = 5;                 // cnn: convolutions
  int64_t features = 64;              // cnn: features of every layer; unet: of the first level
  int64_t unet_levels = 2;            // unet: poolings by 2
  std::string padding = "zeros";      // zeros | replicate
  double lipschitz = 0.0;             // > 0: contractive CNN (needed by mel-invertible)
  std::vector<int64_t> tile;          // CNN tile size per image axis (0: not cut); empty: untiled
  int64_t coil_chunk = 0;             // coils per chunk in data consistency (0: all at once)
  std::string precision = "float32";  // float32 | bfloat16 | float16 (CNN only; CUDA for float16)
  std::string conv3d =
      "auto";              // auto | native | depth-major: how 3D kernels run (nn/network_body.h)
  double step_size = 1.0;  // varnet: initial learned step size η_k
  std::string varnet_start = "aty";  // varnet: x_0 = Aᴴy or "cg-sense" (λ, cg_iters above)
};

struct OptimConfig {
  std::string strategy = "mel";  // full | mel | mel-invertible
  int64_t steps = 1000;
  double lr = 1e-3;
  std::string schedule = "cosine";  // constant | cosine | step
  int64_t warmup_steps = 0;
  double grad_clip = 1.0;   // max global gradient norm (0: no clipping)
  std::string loss = "l1";  // l1 | l2 | ssim
  double weight_decay = 0.0;
  int64_t inversion_checkpoint_every = 5;  // mel-invertible: stored input every M unrolls
  bool offload_to_host = false;  // mel on a GPU: stored unroll inputs in pinned host memory
};

struct RunConfig {
  uint64_t seed = 0;
  std::string device = "cpu";
  int64_t threads = 0;  // 0: LibTorch's default
  int64_t val_every = 100;
  int64_t checkpoint_every = 50;
  int64_t log_every = 1;
  bool tensorboard = false;
  bool progress = true;
};

struct TrainConfig {
  DataConfig data;
  SamplingConfig sampling;
  ModelConfig model;
  OptimConfig optim;
  RunConfig run;
};

nlohmann::json to_json(const TrainConfig& config);
// `origin` names where the JSON came from, for messages.
TrainConfig from_json(const nlohmann::json& j, const std::string& origin);

// Defaults, then the file (if any), then each "section.key=value" override in order.
TrainConfig load_config(const std::string& file, const std::vector<std::string>& overrides);

}  // namespace melrecon::train

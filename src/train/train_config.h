// The configuration of a training run: JSON, every key overridable from the command line as
// `section.key=value`; the effective configuration is saved next to the run (config.json).
// Unknown keys and wrong types are errors naming the file (or the override) and the key. Keys
// that take a word hold its enum (core/choices.h); an optional one is "auto" when unset. Keys
// that configure a component take their defaults from its options (ModlOptions, ...).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mel/gradient_strategy.h"
#include "modl/modl_net.h"
#include "nn/residual_cnn.h"
#include "sampling/masks.h"
#include "train/config_choices.h"
#include "varnet/varnet.h"

namespace melrecon::train {

struct DataConfig {
  std::string train;          // dataset folder (melrecon layout) or fastMRI .h5 file/folder
  std::string val;            // optional separate validation set
  double val_fraction = 0.2;  // without `val`: this fraction of the cases (at least 1) validates
  int64_t val_examples = 4;   // validation examples evaluated each time (0: all)
  int64_t slab = 0;   // readout positions per training example (0: all; train/readout_slab.h)
  bool flip = false;  // mirror training examples at random along their axes (train/random_flips.h)
};

struct SamplingConfig {
  MaskSource source = MaskSource::generate;
  std::optional<sampling::MaskKind> pattern;  // auto: the data kind's default (see `melrecon mask`)
  double accel = 6.0;
  int64_t calib = 12;
  bool vary_per_epoch = true;  // new masks every epoch (augmentation) or one per example
};

struct ModelConfig {
  Arch arch = Arch::modl;  // the unrolled network (docs/training.md)
  int64_t unrolls = modl::ModlOptions().num_unrolls();
  int64_t cg_iters = modl::ModlOptions().cg_iters();
  double cg_tol = modl::ModlOptions().cg_tol();
  double lambda = modl::ModlOptions().lambda();
  bool learn_lambda = modl::ModlOptions().learn_lambda();
  bool share_weights = modl::ModlOptions().share_weights();
  std::optional<nn::ConvKind> conv;  // auto: 2d for 2D data, 3d otherwise
  NetDims dims = NetDims::automatic;
  NetKind net = NetKind::cnn;
  int64_t layers = nn::ResidualCnnOptions().num_layers();  // cnn: convolutions
  // cnn: features of every layer; unet: of the first level
  int64_t features = nn::ResidualCnnOptions().features();
  int64_t unet_levels = nn::UNetOptions().levels();  // unet: poolings by 2
  std::vector<int64_t> depth_dilation;  // cnn: per layer, spacing of the Z|T taps; empty: all 1
  bool cyclic_depth = false;            // cnn: Z|T padded cyclically (cine: one heartbeat)
  Padding padding = Padding::zeros;
  // > 0: contractive CNN (needed by mel-invertible)
  double lipschitz = nn::ResidualCnnOptions().lipschitz();
  std::vector<int64_t> tile;  // CNN tile size per image axis (0: not cut); empty: untiled
  // coils per chunk in data consistency (0: all at once)
  int64_t coil_chunk = modl::ModlOptions().coil_chunk();
  nn::Precision precision = nn::Precision::float32;  // the network's (float16: CUDA only)
  nn::Conv3dPath conv3d = nn::ResidualCnnOptions().conv3d_path();  // how 3D kernels run
  double step_size = varnet::VarNetOptions().step_size();          // varnet: initial learned η_k
  // varnet: x_0 = Aᴴy, or cg-sense with λ and cg_iters above
  varnet::Initial varnet_start = varnet::VarNetOptions().initial();
  std::string init;  // a run folder or checkpoint whose weights start a new run (empty: random)
};

struct OptimConfig {
  mel::Strategy strategy = mel::Strategy::mel;
  int64_t steps = 1000;
  double lr = 1e-3;
  Schedule schedule = Schedule::cosine;
  int64_t warmup_steps = 0;
  double grad_clip = 1.0;  // max global gradient norm (0: no clipping)
  LossKind loss = LossKind::l1;
  double weight_decay = 0.0;
  // mel-invertible: stored input every M unrolls
  int64_t inversion_checkpoint_every = mel::StrategyOptions().checkpoint_every();
  // mel on a GPU: stored unroll inputs in pinned host memory
  bool offload_to_host = mel::StrategyOptions().offload_to_host();
  // Examples per optimiser step and process (same-shape examples are stacked into one batch),
  // and micro-steps whose gradients add up before the step: the effective batch is
  // processes × batch × accumulate.
  int64_t batch = 1;
  int64_t accumulate = 1;
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
  // Distributed training: seconds a process waits for the others (joining, each collective)
  // before it stops with an error naming itself.
  int64_t timeout = 300;
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

// Training checkpoints: weights, optimiser state, the data order and position, the step, and
// the configuration they belong to, in one LibTorch archive behind a header with its length and
// checksum, written atomically (temporary file, fsync, rename): a run killed at any moment
// leaves the previous checkpoint intact, and a damaged file is refused before it is parsed.
#pragma once

#include <torch/nn/module.h>
#include <torch/optim/adam.h>

#include <string>
#include <vector>

#include "train/loss_scaler.h"

namespace melrecon::train {

struct TrainerState {
  int64_t step = 0;             // optimiser steps completed
  int64_t epoch = 0;            // epoch of `order`
  int64_t position = 0;         // index in `order` of the next example
  std::vector<int64_t> order;   // this epoch's example order
  std::string config_json;      // the effective configuration of the run
  std::string data_kind;        // "2d" | "3d" | "cine": what the network was built for
  LossScalerState loss_scaler;  // float16 training: the dynamic loss scale
  int64_t world_size = 1;       // processes that trained it (distributed training)
};

// Everything is keyed by name (weights, Adam's state), so identical runs write identical files;
// the header's checksum covers every byte after it.
void save_checkpoint(const std::string& path, torch::nn::Module& model,
                     torch::optim::Adam& optimizer, const TrainerState& state);

// Restores all three; errors name the file (missing, not a checkpoint, wrong model, weights
// contents that do not match their checksum, weights that are not finite).
TrainerState load_checkpoint(const std::string& path, torch::nn::Module& model,
                             torch::optim::Adam& optimizer);

// The step, configuration and data kind without loading any weights.
TrainerState read_checkpoint_state(const std::string& path);

// `run_or_file`: a run folder (its checkpoint.pt) or a checkpoint file, as users name a model.
std::string checkpoint_file(const std::string& run_or_file);

// Weights only (for reconstruction).
void load_checkpoint_weights(const std::string& path, torch::nn::Module& model);

}  // namespace melrecon::train

// A trained unrolled network (MoDL or VarNet) loaded for reconstruction: from a run folder (its
// checkpoint.pt) or a checkpoint file; the configuration stored in the checkpoint rebuilds the
// network.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "io/bart_layout.h"
#include "train/model_factory.h"
#include "train/train_config.h"

namespace melrecon::eval {

struct TrainedModel {
  train::TrainConfig config;
  io::DataKind kind;
  train::Network model;              // built from the recorded configuration (model.arch)
  std::string source = "the model";  // where it was loaded from, for messages
};

// How to reconstruct where the trained weights do not depend on it, in place of the trained
// settings: the memory of a whole volume does.
struct ReconSettings {
  std::optional<std::vector<int64_t>> tile;  // CNN tiles (model.tile; empty: untiled)
  std::optional<int64_t> coil_chunk;         // coils per data-consistency chunk (model.coil_chunk)
};

// Errors name the path: not a run folder or checkpoint, weights that do not fit, settings that do
// not fit the model.
TrainedModel load_trained_model(const std::string& path, c10::Device device,
                                const ReconSettings& settings = {});

// An error naming the model's file when `data` holds data of another kind than it was trained on.
void check_data_kind(const TrainedModel& trained, io::DataKind kind, const std::string& data);

// Writes `trained` as a checkpoint that load_trained_model (so `melrecon recon --model`, `eval`)
// reads: its weights, configuration and data kind, at optimiser step `step` with a fresh
// optimiser state (a network trained outside `melrecon train`).
void save_trained_model(const std::string& path, TrainedModel& trained, int64_t step = 0);

// Reconstructs one case: the same normalisation as training (max |Aᴴy| = 1), no graph, one
// batch entry (slice) at a time so memory is that of a single example; returns [B, *S] on the
// original intensity scale.
at::Tensor apply_model(TrainedModel& trained, const at::Tensor& kspace, const at::Tensor& maps,
                       const at::Tensor& mask, const std::vector<int64_t>& fft_axes);

}  // namespace melrecon::eval

// Predicts the peak memory and step time of training configurations (any architecture) before
// training, and picks the fastest one that fits a memory budget.
//
// Prediction by measurement, not by a formula. Every tensor of a training step scales with the
// number of voxels V, except the CNN's activations in tiled axes, which scale with the tile: so
// at the full size of the tiled axes the peak is affine in the product of the other axes (and so
// in V). And it is affine in the number of unrolls u once u >= 2 (each unroll adds its graph
// under `full`, one stored input under `mel`). The planner runs one real training step of each
// candidate (random data, the trainer's own step and optimiser) at two reduced volumes (the untiled
// axes shrunk in proportion, about `probe_voxels` and twice that) times two unroll counts (2 and
// 3) on the target device, measures each peak with core::MemoryMeter, and extrapolates
// bilinearly to the full volume and unroll count; the step time the same way.
#pragma once

#include <c10/core/Device.h>

#include <string>
#include <vector>

#include "io/bart_layout.h"
#include "train/train_config.h"

namespace melrecon::plan {

struct PlanCandidate {
  std::string label;  // how the candidate is shown, e.g. "mel, tile 0,64,64"
  mel::Strategy strategy = mel::Strategy::mel;
  train::ModelConfig model;  // the network (tiling, precision, ...)
};

// How a candidate is shown: "mel", "mel, tile 0,64,64", "full, bfloat16".
std::string candidate_label(mel::Strategy strategy, const train::ModelConfig& model);

struct PlanRequest {
  io::DataKind kind = io::DataKind::image2d;
  std::vector<int64_t> shape;  // *S of one example
  int64_t coils = 8;
  std::vector<int64_t> fft_axes;  // empty: the kind's default
  std::vector<PlanCandidate> candidates;
  int64_t budget_bytes = 0;  // 0: no budget (report only)
  c10::Device device = c10::kCPU;
  int64_t probe_voxels = 16384;  // volume of the smaller probe (the larger has twice as many)
};

// One probe: a training step at a reduced shape and unroll count.
struct PlanProbe {
  std::vector<int64_t> shape;
  int64_t unrolls = 0;
  int64_t peak_bytes = 0;
  double seconds = 0.0;
};

struct PlanRow {
  PlanCandidate candidate;
  std::vector<PlanProbe> probes;  // volumes x unroll counts (one of each when already small)
  int64_t predicted_bytes = 0;
  double predicted_seconds = 0.0;
  bool fits = true;
};

struct Plan {
  std::vector<PlanRow> rows;
  int chosen = -1;  // fastest row that fits, -1 if none
  std::string table() const;
};

Plan make_plan(const PlanRequest& request);

// `steps` training steps of `candidate` on random data of `shape`: peak bytes during them (above
// what was live before, model, optimiser state and data included) and the last one's wall time.
struct StepMeasurement {
  int64_t peak_bytes = 0;
  double seconds = 0.0;
};
StepMeasurement measure_training_step(const PlanCandidate& candidate, io::DataKind kind,
                                      const std::vector<int64_t>& shape, int64_t coils,
                                      const std::vector<int64_t>& fft_axes, c10::Device device,
                                      int steps = 2);

// "8GiB", "512MiB", "2.5G", "1000000" -> bytes; a UsageError for anything else.
int64_t parse_bytes(const std::string& text);

}  // namespace melrecon::plan

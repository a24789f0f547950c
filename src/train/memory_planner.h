// Predicts the peak memory and step time of MoDL training configurations before training,
// and picks the fastest one that fits a memory budget.
//
// Prediction by measurement, not by a formula: every tensor of a training step scales with the
// number of voxels, so at a fixed size of the other axes the peak is affine in the size n of
// the first spatial axis (Y for 2D, Z or T otherwise), and so, closely, is the time. The planner
// runs one real step of each candidate (random data, the same code path as training) at two
// reduced sizes n1 < n2 on the target device, measures the peak with core::MemoryMeter, and
// extrapolates the line to the full size. A tiled network's activations are bounded by its
// tile, so the probes are at least one tile plus its halo long.
#pragma once

#include <c10/core/Device.h>

#include <string>
#include <vector>

#include "io/bart_layout.h"
#include "train/train_config.h"

namespace melrecon::train {

struct PlanCandidate {
  std::string label;      // how the candidate is shown, e.g. "mel, tile 0,64,64"
  std::string strategy;   // full | mel | mel-invertible
  ModelConfig model;      // the network (tiling, precision, ...)
};

// How a candidate is shown: "mel", "mel, tile 0,64,64", "full, bfloat16".
std::string candidate_label(const std::string& strategy, const ModelConfig& model);

struct PlanRequest {
  io::DataKind kind = io::DataKind::image2d;
  std::vector<int64_t> shape;     // *S of one example
  int64_t coils = 8;
  std::vector<int64_t> fft_axes;  // empty: the kind's default
  std::vector<PlanCandidate> candidates;
  int64_t budget_bytes = 0;       // 0: no budget (report only)
  c10::Device device = c10::kCPU;
  int64_t min_probe = 8;          // smallest probe size along the first axis
};

struct PlanRow {
  PlanCandidate candidate;
  std::vector<int64_t> probe_sizes;  // n1, n2 (or the full size when that is small)
  std::vector<int64_t> probe_bytes;
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

// One training step of `candidate` on random data of `shape`: peak bytes during the step (above
// what was live before it, model and data included) and its wall time.
struct StepMeasurement {
  int64_t peak_bytes = 0;
  double seconds = 0.0;
};
StepMeasurement measure_training_step(const PlanCandidate& candidate, io::DataKind kind,
                                      const std::vector<int64_t>& shape, int64_t coils,
                                      const std::vector<int64_t>& fft_axes, c10::Device device);

// "8GiB", "512MiB", "2.5G", "1000000" -> bytes; a UsageError for anything else.
int64_t parse_bytes(const std::string& text);

}  // namespace melrecon::train

// `melrecon selftest`: the gradient strategies on a small random problem (float64) for each
// architecture (MoDL, VarNet) and 2D, 3D and 2D+time, each compared with `full` (backprop through
// all unrolls): relative gradient error, peak live bytes of the step (counting allocator), time.
#pragma once

#include <torch/arg.h>
#include <string>
#include <vector>

#include "mel/gradient_strategy.h"
#include "train/config_choices.h"

namespace melrecon::train {

struct SelftestOptions {
  TORCH_ARG(int64_t, num_unrolls) = 5;
  TORCH_ARG(uint64_t, seed) = 1;
};

struct SelftestRow {
  Arch arch = Arch::modl;
  std::string data;  // "2d" | "3d" | "cine"
  mel::Strategy strategy = mel::Strategy::full;
  double gradient_error = 0.0;  // max over parameters of ‖g − g_full‖ / ‖g_full‖
  double tolerance = 0.0;       // what the strategy promises (0 for the reference)
  int64_t peak_bytes = 0;
  double seconds = 0.0;
  int64_t fallbacks = 0;   // mel-invertible: segments recomputed instead of inverted
  double max_drift = 0.0;  // mel-invertible: largest measured inversion drift
  bool ok() const { return gradient_error <= tolerance; }
};

std::vector<SelftestRow> run_selftest(const SelftestOptions& options);
std::string format_selftest(const std::vector<SelftestRow>& rows);

}  // namespace melrecon::train

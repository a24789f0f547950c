// `melrecon train --budget`: before training, the memory planner (plan/memory_planner.h) runs
// on the training data's own shape and coil count and picks the fastest gradient strategy and
// CNN tiling whose predicted peak fits the budget. Only choices that leave the trained function
// and its gradients unchanged are considered (full vs mel, tiled vs untiled); the network, its
// precision and everything else stay as configured.
#pragma once

#include <string>
#include <vector>

#include "io/bart_layout.h"
#include "plan/memory_planner.h"
#include "train/train_config.h"

namespace melrecon::plan {

// Untiled, the configured tiling, and the in-plane axes (Y, X) cut into 2, 4 and 8 tiles as long
// as a tile stays at least 4 receptive-field radii long (smaller ones spend most of their work on
// halos). The U-Net is never tiled.
std::vector<std::vector<int64_t>> candidate_tilings(const train::ModelConfig& model,
                                                    io::DataKind kind,
                                                    const std::vector<int64_t>& shape);

struct BudgetChoice {
  Plan plan;
  train::TrainConfig
      config;  // the input with the chosen optim.strategy and model.tile (if any fits)
  bool fits() const { return plan.chosen >= 0; }
};

// `strategies`: those to compare (e.g. full and mel).
BudgetChoice choose_for_budget(const train::TrainConfig& config, int64_t budget_bytes,
                               const std::vector<mel::Strategy>& strategies);

}  // namespace melrecon::plan

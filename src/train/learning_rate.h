// The learning rate of each optimiser step: a linear warm-up over optim.warmup_steps, then the
// schedule (constant; cosine to zero at optim.steps; or ×0.1 at half and ×0.01 at three
// quarters of the steps after warm-up).
#pragma once

#include <cstdint>

#include "train/train_config.h"

namespace torch::optim {
class Adam;
}

namespace melrecon::train {

// `step` counts from 0 (the first step's rate).
double learning_rate(const OptimConfig& optim, int64_t step);
void set_learning_rate(torch::optim::Adam& optimizer, double lr);

}  // namespace melrecon::train

#include "train/learning_rate.h"

#include <torch/optim/adam.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace melrecon::train {

double learning_rate(const OptimConfig& o, int64_t step) {
  if (step < o.warmup_steps) return o.lr * (step + 1) / static_cast<double>(o.warmup_steps);
  const double t =
      static_cast<double>(step - o.warmup_steps) / std::max<int64_t>(1, o.steps - o.warmup_steps);
  switch (o.schedule) {
    case Schedule::constant:
      return o.lr;
    case Schedule::cosine:
      return o.lr * 0.5 * (1 + std::cos(M_PI * t));
    case Schedule::step:
      return o.lr * (t < 0.5 ? 1.0 : t < 0.75 ? 0.1 : 0.01);
  }
  core::fail_internal(__FILE__, __LINE__, "schedule {} has no rate", static_cast<int>(o.schedule));
}

void set_learning_rate(torch::optim::Adam& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) {
    static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
  }
}

}  // namespace melrecon::train

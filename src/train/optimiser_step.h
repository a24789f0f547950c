// One optimiser step of MoDL training, shared by the trainer and the memory planner so that
// the planner measures exactly what training runs: Lipschitz normalisation refreshed, gradients
// zeroed, forward and backward under the gradient strategy with the (loss-scaled) loss,
// gradients unscaled and clipped, and the optimiser update.
#pragma once

#include <torch/optim/optimizer.h>

#include "mel/gradient_strategy.h"
#include "modl/modl_net.h"
#include "train/loss_scaler.h"

namespace melrecon::train {

struct OptimiserStepResult {
  double loss = 0.0;  // unscaled
  double loss_scale = 1.0;
  double grad_norm = 0.0;  // before clipping; NaN without clipping or when skipped
  bool skipped = false;    // float16 gradients overflowed: no update, the scale shrinks
  bool finite = true;      // false: the loss or the gradient is not finite, and no update was made
};

// `grad_clip` <= 0: no clipping. The scaler is updated (a disabled one stays as it is).
OptimiserStepResult optimiser_step(unrolled::UnrolledModel& model, mel::GradientStrategy& strategy,
                                   torch::optim::Optimizer& optimizer,
                                   const unrolled::Problem& problem, const mel::LossFn& loss,
                                   LossScaler& scaler, double grad_clip);

}  // namespace melrecon::train

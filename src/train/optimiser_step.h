// One optimiser step of MoDL training, shared by the trainer and the memory planner so that
// the planner measures exactly what training runs: Lipschitz normalisation refreshed, gradients
// zeroed, forward and backward under the gradient strategy with the (loss-scaled) loss,
// gradients unscaled and clipped, and the optimiser update.
#pragma once

#include <torch/optim/optimizer.h>

#include <functional>
#include <optional>
#include <vector>

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

// Part of an optimiser step: a problem (one example, or same-shape examples stacked) and its
// loss, weighted by its share of the step's examples so that the gradients add up to the mean.
struct MicroBatch {
  unrolled::Problem problem;
  mel::LossFn loss;
  double weight = 1.0;
};

// Averages the gradients (all parameters', each defined) over the processes of a data-parallel
// group, in place; called after the backward passes, before unscaling and clipping, so every
// process takes the same step.
using GradientSync = std::function<void(std::vector<at::Tensor>& gradients)>;

// The micro-batches of a step, made one at a time (so only one is in memory) by `next` until it
// returns none; the loss is their weighted sum. `grad_clip` <= 0: no clipping. The scaler is
// updated (a disabled one stays as it is).
using MicroBatches = std::function<std::optional<MicroBatch>()>;
OptimiserStepResult optimiser_step(unrolled::UnrolledModel& model, mel::GradientStrategy& strategy,
                                   torch::optim::Optimizer& optimizer, const MicroBatches& next,
                                   LossScaler& scaler, double grad_clip,
                                   const GradientSync& sync = nullptr);

// One problem, weight 1, no synchronisation.
OptimiserStepResult optimiser_step(unrolled::UnrolledModel& model, mel::GradientStrategy& strategy,
                                   torch::optim::Optimizer& optimizer,
                                   const unrolled::Problem& problem, const mel::LossFn& loss,
                                   LossScaler& scaler, double grad_clip);

}  // namespace melrecon::train

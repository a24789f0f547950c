#include "train/optimiser_step.h"

#include <torch/nn/utils/clip_grad.h>

#include <cmath>
#include <limits>

namespace melrecon::train {

OptimiserStepResult optimiser_step(unrolled::UnrolledModel& model, mel::GradientStrategy& strategy,
                                   torch::optim::Optimizer& optimizer,
                                   const unrolled::Problem& problem, const mel::LossFn& loss,
                                   LossScaler& scaler, double grad_clip) {
  OptimiserStepResult r;
  model.update_normalisation();
  optimizer.zero_grad();
  r.loss_scale = scaler.scale();
  const mel::StepResult step = strategy.forward_backward(model, problem, scaler.scaled(loss));
  r.loss = step.loss.item<double>() / r.loss_scale;
  // With float16 loss scaling, overflowing gradients skip the step (and shrink the scale);
  // without it, a non-finite gradient makes the step not finite.
  r.skipped = !scaler.unscale(model.module().parameters());
  scaler.update(!r.skipped);
  r.grad_norm = grad_clip > 0 && !r.skipped
                    ? torch::nn::utils::clip_grad_norm_(model.module().parameters(), grad_clip)
                    : std::numeric_limits<double>::quiet_NaN();
  r.finite = std::isfinite(r.loss) && (r.skipped || grad_clip <= 0 || std::isfinite(r.grad_norm));
  if (r.finite && !r.skipped) optimizer.step();
  return r;
}

}  // namespace melrecon::train

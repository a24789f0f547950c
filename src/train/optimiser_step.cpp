#include "train/optimiser_step.h"

#include <ATen/ATen.h>
#include <torch/nn/utils/clip_grad.h>

#include <cmath>
#include <limits>

namespace melrecon::train {

OptimiserStepResult optimiser_step(unrolled::UnrolledModel& model, mel::GradientStrategy& strategy,
                                   torch::optim::Optimizer& optimizer, const MicroBatches& next,
                                   LossScaler& scaler, double grad_clip, const GradientSync& sync) {
  OptimiserStepResult r;
  model.update_normalisation();
  optimizer.zero_grad();
  r.loss_scale = scaler.scale();
  while (std::optional<MicroBatch> part = next()) {
    const mel::LossFn& loss = part->loss;
    const double weight = part->weight;
    const mel::LossFn weighted = [&loss, weight](const at::Tensor& x) { return loss(x) * weight; };
    // (weight 1, one example per step: the loss exactly as configured, not times 1)
    const mel::StepResult step = strategy.forward_backward(
        model, part->problem, scaler.scaled(weight == 1.0 ? loss : weighted));
    r.loss += step.loss.item<double>() / r.loss_scale;
  }
  if (sync) {
    std::vector<at::Tensor> gradients;
    for (auto& p : model.module().parameters()) {
      if (!p.grad().defined()) p.mutable_grad() = at::zeros_like(p);
      gradients.push_back(p.grad());
    }
    sync(gradients);
  }
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

OptimiserStepResult optimiser_step(unrolled::UnrolledModel& model, mel::GradientStrategy& strategy,
                                   torch::optim::Optimizer& optimizer,
                                   const unrolled::Problem& problem, const mel::LossFn& loss,
                                   LossScaler& scaler, double grad_clip) {
  bool given = false;
  const MicroBatches one = [&]() -> std::optional<MicroBatch> {
    if (given) return std::nullopt;
    given = true;
    return MicroBatch{problem, loss, 1.0};
  };
  return optimiser_step(model, strategy, optimizer, one, scaler, grad_clip);
}

}  // namespace melrecon::train

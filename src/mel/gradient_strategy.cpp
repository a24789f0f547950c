#include "mel/gradient_strategy.h"

#include <torch/autograd.h>

#include "core/error.h"
#include "mel/full_backprop.h"
#include "mel/mel_invertible.h"
#include "mel/mel_recompute.h"

namespace melrecon::mel {

std::unique_ptr<GradientStrategy> make_gradient_strategy(Strategy strategy,
                                                         const StrategyOptions& options) {
  switch (strategy) {
    case Strategy::full:
      return std::make_unique<FullBackprop>();
    case Strategy::mel:
      return std::make_unique<MelRecompute>(options);
    case Strategy::mel_invertible:
      return std::make_unique<MelInvertible>(options);
  }
  core::fail_internal(__FILE__, __LINE__, "gradient strategy {} has no implementation",
                      static_cast<int>(strategy));
}

std::pair<at::Tensor, at::Tensor> loss_and_output_gradient(const at::Tensor& output,
                                                           const LossFn& loss) {
  const at::Tensor leaf = output.detach().requires_grad_(true);
  const at::Tensor value = loss(leaf);
  const at::Tensor grad = torch::autograd::grad({value}, {leaf})[0];
  return {value.detach(), grad};
}

RebuiltUnroll rebuild_unroll(unrolled::UnrolledModel& model, int64_t k, const at::Tensor& input,
                             const unrolled::Problem& problem, const at::Tensor& known_output) {
  torch::AutoGradMode grad_on(true);
  RebuiltUnroll r;
  r.input = input.detach().requires_grad_(true);
  r.output = model.unroll(k, r.input, problem, known_output);
  return r;
}

at::Tensor RebuiltUnroll::backward(const at::Tensor& grad_output) {
  torch::AutoGradMode grad_on(true);
  torch::autograd::backward({output}, {grad_output});
  output = at::Tensor();
  return input.grad();
}

}  // namespace melrecon::mel

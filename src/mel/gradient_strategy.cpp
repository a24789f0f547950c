#include "mel/gradient_strategy.h"

#include <torch/autograd.h>

#include "core/error.h"
#include "mel/full_backprop.h"
#include "mel/mel_invertible.h"
#include "mel/mel_recompute.h"

namespace melrecon::mel {

const std::vector<std::string>& gradient_strategy_names() {
  static const std::vector<std::string> names{"full", "mel", "mel-invertible"};
  return names;
}

std::unique_ptr<GradientStrategy> make_gradient_strategy(const std::string& name,
                                                         const StrategyOptions& options) {
  if (name == "full") return std::make_unique<FullBackprop>();
  if (name == "mel") return std::make_unique<MelRecompute>(options);
  if (name == "mel-invertible") return std::make_unique<MelInvertible>(options);
  throw core::UsageError("unknown gradient strategy '" + name +
                         "' (expected full, mel or mel-invertible)");
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

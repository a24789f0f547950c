#include "mel/full_backprop.h"

namespace melrecon::mel {

StepResult FullBackprop::forward_backward(modl::Modl& model, const modl::ModlProblem& problem,
                                          const LossFn& loss) {
  torch::AutoGradMode grad_on(true);
  const at::Tensor output = model->forward(problem);
  const at::Tensor value = loss(output);
  value.backward();
  return {output.detach(), value.detach(), {}};
}

}  // namespace melrecon::mel

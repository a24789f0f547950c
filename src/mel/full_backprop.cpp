#include "mel/full_backprop.h"

namespace melrecon::mel {

StepResult FullBackprop::forward_backward(unrolled::UnrolledModel& model,
                                          const unrolled::Problem& problem, const LossFn& loss) {
  torch::AutoGradMode grad_on(true);
  const at::Tensor output = model.forward_all(problem);
  const at::Tensor value = loss(output);
  value.backward();
  return {output.detach(), value.detach(), {}};
}

}  // namespace melrecon::mel

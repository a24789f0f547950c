#include "mel/mel_checkpoint.h"

namespace melrecon::mel {

StepResult MelCheckpoint::forward_backward(modl::Modl& model, const modl::ModlProblem& problem,
                                           const LossFn& loss) {
  const int64_t n = model->num_unrolls();
  const bool offload = options_.offload_to_host_ && !problem.aty.device().is_cpu();
  std::vector<torch::Tensor> inputs;
  inputs.reserve(n);
  torch::Tensor x = problem.aty;
  {
    torch::NoGradGuard no_grad;
    for (int64_t k = 0; k + 1 < n; ++k) {
      inputs.push_back(offload ? x.to(torch::kCPU, /*non_blocking=*/true) : x);
      x = model->unroll(k, x, problem);
    }
  }
  // The last unroll is run with its graph right away: the backward needs it first, so
  // rebuilding it later would only repeat its forward.
  RebuiltUnroll last = rebuild_unroll(model, n - 1, x, problem);
  x = last.output.detach();
  auto [value, grad] = loss_and_output_gradient(x, loss);
  grad = last.backward(grad);
  for (int64_t k = n - 2; k >= 0; --k) {
    const torch::Tensor input = inputs[k].to(problem.aty.device());
    inputs[k] = torch::Tensor();  // the stored copy is no longer needed
    grad = rebuild_unroll(model, k, input, problem).backward(grad);
  }
  return {x, value, {}};
}

}  // namespace melrecon::mel

#include "mel/mel_recompute.h"

#include "mel/stored_inputs.h"

namespace melrecon::mel {

StepResult MelRecompute::forward_backward(unrolled::UnrolledModel& model,
                                          const unrolled::Problem& problem, const LossFn& loss) {
  const int64_t n = model.num_unrolls();
  StoredInputs inputs(options_.offload_to_host(), problem.aty.device());
  at::Tensor x = model.initial(problem);
  {
    torch::NoGradGuard no_grad;
    for (int64_t k = 0; k + 1 < n; ++k) {
      inputs.push(x);
      x = model.unroll(k, x, problem);
    }
  }
  // Offloaded inputs come back one unroll ahead: x_{N−2} while the last unroll runs.
  inputs.prefetch(n - 2);
  // The last unroll is run with its graph right away: the backward needs it first, so
  // rebuilding it later would only repeat its forward.
  RebuiltUnroll last = rebuild_unroll(model, n - 1, x, problem);
  x = last.output.detach();
  auto [value, grad] = loss_and_output_gradient(x, loss);
  grad = last.backward(grad);
  // Unroll k's output is unroll k+1's input, kept from the step before: the rebuild reuses it
  // instead of repeating the data-consistency CG (only the backward's CG solve runs).
  at::Tensor output = last.input.detach();
  for (int64_t k = n - 2; k >= 0; --k) {
    const at::Tensor input = inputs.take(k);  // the stored copy is released
    inputs.prefetch(k - 1);
    grad = rebuild_unroll(model, k, input, problem, output).backward(grad);
    output = input;
  }
  return {x, value, {}};
}

}  // namespace melrecon::mel

// How a training step of an unrolled network (unrolled/unrolled_model.h) gets its gradients. Three
// strategies behind one interface:
//   full            plain autograd over all unrolls (the reference; memory grows with N)
//   mel             memory-efficient learning: forward without a graph keeping each unroll's
//                   input x_k; backward unroll by unroll from the last, rebuilding one unroll's
//                   graph from x_k at a time (peak ≈ one unroll's graph)
//   mel-invertible  keeps only every M-th input; recovers the others from x_{k+1} by inverting
//                   the unroll (exact DC inverse + fixed-point inverse of the contractive CNN),
//                   measures the drift against the checkpoint, and recomputes when it is off
// Every strategy accumulates ∂loss/∂w into the parameters' .grad, like loss.backward().
// What "exact" means here: `mel` computes the same gradient as `full` to round-off, and
// `mel-invertible` within its measured drift. The gradient itself is that of the unrolled network
// with MoDL's data consistency differentiated implicitly (modl/data_consistency.h): the gradient
// formula of the exact solve (AᴴA + λI)⁻¹, evaluated with a CG of model.cg_iters iterations, not
// the derivative of the CG iterations the forward ran (5-6% apart at 8 iterations on a small
// problem, tests/modl/data_consistency_test.cpp; equal once CG converges).
#pragma once

#include <torch/arg.h>
#include <torch/types.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/choices.h"
#include "unrolled/unrolled_model.h"

namespace melrecon::mel {

using LossFn = std::function<at::Tensor(const at::Tensor& output)>;

struct StrategyOptions {
  // mel: keep stored unroll inputs in pinned host memory when the model runs on a GPU,
  // prefetched one unroll ahead in the backward (mel/stored_inputs.h); a no-op on the CPU.
  TORCH_ARG(bool, offload_to_host) = false;
  // mel-invertible: store the input of every M-th unroll (0 stores only x_0). Inversion error
  // grows with the number of consecutive inversions, so M bounds it.
  TORCH_ARG(int64_t, checkpoint_every) = 5;
  // mel-invertible: fixed-point iteration tolerance and cap for inverting the denoiser.
  TORCH_ARG(double, inversion_tol) = 1e-12;
  TORCH_ARG(int64_t, inversion_max_iters) = 500;
  // mel-invertible: when a segment's inversion recovers its stored first input with a relative
  // error above this, the segment's inputs are recomputed forward from the checkpoint instead.
  TORCH_ARG(double, fallback_tol) = 1e-5;
};

struct StepStats {
  // mel-invertible: per segment (last first), the drift ‖x̂_first − x_first‖ / ‖x_first‖ of the
  // inputs recovered by inversion against the stored checkpoint.
  std::vector<double> inversion_errors;
  int64_t fixed_point_iterations = 0;
  double max_inversion_residual = 0.0;  // the largest of the models' own error estimates
  int64_t fallbacks = 0;                // segments recomputed from their checkpoint instead
};

struct StepResult {
  at::Tensor output;  // x_N, detached
  at::Tensor loss;    // detached
  StepStats stats;
};

class GradientStrategy {
 public:
  virtual ~GradientStrategy() = default;
  virtual StepResult forward_backward(unrolled::UnrolledModel& model,
                                      const unrolled::Problem& problem, const LossFn& loss) = 0;
};

enum class Strategy { full, mel, mel_invertible };
constexpr core::Choices<Strategy, 3> choices(Strategy) {
  return {"gradient strategy",
          {{{Strategy::full, "full"},
            {Strategy::mel, "mel"},
            {Strategy::mel_invertible, "mel-invertible"}}}};
}
std::unique_ptr<GradientStrategy> make_gradient_strategy(Strategy strategy,
                                                         const StrategyOptions& options = {});

// Shared by the MEL strategies: loss on a leaf copy of x_N; returns {loss, ∂loss/∂x_N}.
std::pair<at::Tensor, at::Tensor> loss_and_output_gradient(const at::Tensor& output,
                                                           const LossFn& loss);

// One unroll's graph, rebuilt from a detached input: the unit of work of MEL's backward.
struct RebuiltUnroll {
  at::Tensor input;   // leaf requiring grad
  at::Tensor output;  // unroll(input), with its graph
  // Backpropagates ∂L/∂output (parameter gradients accumulate), frees the graph, returns
  // ∂L/∂input.
  at::Tensor backward(const at::Tensor& grad_output);
};
// `known_output`: the unroll's output from the forward pass, if kept (see Modl::unroll).
RebuiltUnroll rebuild_unroll(unrolled::UnrolledModel& model, int64_t k, const at::Tensor& input,
                             const unrolled::Problem& problem, const at::Tensor& known_output = {});

}  // namespace melrecon::mel

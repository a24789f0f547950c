// MEL that recovers unroll inputs instead of storing them (Kellman et al. 2020).
//
// Unroll k is inverted in two exact steps: the data-consistency step by
// b = ((AᴴA + λI) x_{k+1} − Aᴴy) / λ = D_w(x_k) (exact when the forward CG converged; a residual
// is amplified by 1/λ), then the denoiser by the fixed-point iteration z ← b − R_w(z)
// (converges when R_w is a contraction).
//
// Inverting is ill-conditioned: errors grow by up to ‖∂x_k/∂x_{k+1}‖ per unroll, so pure
// inversion blows up with depth. The unrolls are therefore split into segments of M, whose first
// input is stored (a checkpoint, one image). The backward walks the segments from the last:
// it recovers the segment's inputs by inversion from the segment's (exact) end, inverts once
// more to the segment start and compares with the stored checkpoint — the measured drift of
// that segment. If the drift exceeds `fallback_tol`, the segment's inputs are recomputed
// forward from the checkpoint instead. Then it backpropagates through the segment unroll by
// unroll. Memory: N/M checkpoints plus at most M recovered images, on top of one unroll's graph.
#pragma once

#include "mel/gradient_strategy.h"

namespace melrecon::mel {

class MelInvertible final : public GradientStrategy {
 public:
  explicit MelInvertible(StrategyOptions options) : options_(options) {}
  std::string name() const override { return "mel-invertible"; }
  StepResult forward_backward(modl::Modl& model, const modl::ModlProblem& problem,
                              const LossFn& loss) override;

 private:
  at::Tensor invert_unroll(modl::Modl& model, int64_t k, const at::Tensor& next,
                              const modl::ModlProblem& problem, StepStats& stats) const;

  StrategyOptions options_;
};

}  // namespace melrecon::mel

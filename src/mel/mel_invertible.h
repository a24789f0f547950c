// MEL that recovers unroll inputs instead of storing them (Kellman et al. 2020).
//
// Each unroll is inverted by the model (UnrolledModel::invert_unroll; for MoDL an exact
// data-consistency step and a fixed-point iteration on the contractive denoiser).
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
  StepResult forward_backward(unrolled::UnrolledModel& model, const unrolled::Problem& problem,
                              const LossFn& loss) override;

 private:
  StrategyOptions options_;
};

}  // namespace melrecon::mel

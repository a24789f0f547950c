// Autograd over all unrolls at once, keeping every unroll's graph: the reference the MEL
// strategies are checked against. Its MoDL data consistency has the implicit backward of
// modl/data_consistency.h like every strategy's, so "full" means all unrolls in one graph, not
// differentiation through the CG iterations.
#pragma once

#include "mel/gradient_strategy.h"

namespace melrecon::mel {

class FullBackprop final : public GradientStrategy {
 public:
  StepResult forward_backward(unrolled::UnrolledModel& model, const unrolled::Problem& problem,
                              const LossFn& loss) override;
};

}  // namespace melrecon::mel

// Plain autograd over all unrolls: the reference the MEL strategies are checked against.
#pragma once

#include "mel/gradient_strategy.h"

namespace melrecon::mel {

class FullBackprop final : public GradientStrategy {
 public:
  StepResult forward_backward(unrolled::UnrolledModel& model, const unrolled::Problem& problem,
                              const LossFn& loss) override;
};

}  // namespace melrecon::mel

// MEL with stored unroll inputs (Kellman et al. 2020; Wang et al. 2021): the forward keeps each
// unroll's input and no graph; the backward recomputes one unroll at a time from its input.
// Gradients equal `full`'s to float round-off (the same operations, including MoDL's implicit
// data-consistency backward; see gradient_strategy.h), memory ≈ one unroll's graph + N stored
// images.
#pragma once

#include "mel/gradient_strategy.h"

namespace melrecon::mel {

class MelRecompute final : public GradientStrategy {
 public:
  explicit MelRecompute(StrategyOptions options) : options_(options) {}
  StepResult forward_backward(unrolled::UnrolledModel& model, const unrolled::Problem& problem,
                              const LossFn& loss) override;

 private:
  StrategyOptions options_;
};

}  // namespace melrecon::mel

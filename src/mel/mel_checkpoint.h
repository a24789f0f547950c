// MEL with stored unroll inputs (Kellman et al. 2020; Wang et al. 2021): gradients equal plain
// backprop's to float round-off, memory ≈ one unroll's graph + N stored images.
#pragma once

#include "mel/gradient_strategy.h"

namespace melrecon::mel {

class MelCheckpoint final : public GradientStrategy {
 public:
  explicit MelCheckpoint(StrategyOptions options) : options_(options) {}
  std::string name() const override { return "mel"; }
  StepResult forward_backward(modl::Modl& model, const modl::ModlProblem& problem,
                              const LossFn& loss) override;

 private:
  StrategyOptions options_;
};

}  // namespace melrecon::mel

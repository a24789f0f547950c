// One training step's gradients under a gradient strategy, and their comparison: what the MEL
// tests of every architecture check (header-only, for suites that link mel).
#pragma once

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "mel/gradient_strategy.h"
#include "support/test_support.h"

namespace melrecon::test_support {

struct Gradients {
  std::vector<std::pair<std::string, at::Tensor>> named;
  at::Tensor output;
  mel::StepStats stats;
};

// A squared-error loss against a fixed random target; every parameter must get a gradient.
inline Gradients gradients_of(mel::Strategy strategy, unrolled::UnrolledModel& model,
                              const unrolled::Problem& problem,
                              const mel::StrategyOptions& options = {}) {
  const at::Tensor target = random_complex(problem.aty.sizes(), 99);
  const mel::LossFn loss = [&](const at::Tensor& x) { return (x - target).abs().pow(2).sum(); };
  model.module().zero_grad();
  const mel::StepResult r =
      mel::make_gradient_strategy(strategy, options)->forward_backward(model, problem, loss);
  Gradients g{{}, r.output, r.stats};
  for (const auto& p : model.module().named_parameters()) {
    EXPECT_TRUE(p.value().grad().defined())
        << core::choice_name(strategy) << ": no gradient for " << p.key();
    g.named.emplace_back(p.key(), p.value().grad().clone());
  }
  return g;
}

inline void expect_same_gradients(const Gradients& a, const Gradients& b, double tol,
                                  const std::string& what) {
  ASSERT_EQ(a.named.size(), b.named.size());
  EXPECT_LT(relative_error(a.output, b.output), tol) << what << ": outputs";
  for (size_t i = 0; i < a.named.size(); ++i) {
    EXPECT_LT(relative_error(a.named[i].second, b.named[i].second), tol)
        << what << ": parameter " << a.named[i].first;
  }
}

}  // namespace melrecon::test_support

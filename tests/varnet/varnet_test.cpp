// The variational network on the unrolled-model interface: the unroll is the gradient step it
// states, `mel` gradients equal plain backprop's to round-off (2D, 3D, 2D+time, shared and
// per-unroll weights, both starts), `mel-invertible` to its tolerance where the unrolls are
// contractive and a clear refusal where they are not (float64).
#include "varnet/varnet.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "support/expect_error.h"
#include "support/small_problem.h"
#include "support/strategy_gradients.h"

namespace melrecon::varnet {
namespace {

using test_support::expect_same_gradients;
using test_support::Gradients;
using test_support::gradients_of;
using test_support::SmallGeometry;

VarNet small_varnet(const VarNetOptions& options, uint64_t seed) {
  at::manual_seed(seed);
  VarNet model(options);
  model->to(at::kDouble);
  model->update_normalisation();
  return model;
}

TEST(VarNet, AnUnrollIsTheStatedGradientStep) {
  const SmallGeometry g = test_support::small_geometries()[0];
  const auto problem = test_support::small_problem(g, 1);
  VarNet model = small_varnet(test_support::small_varnet_options(g, 2, 0.0, 0.7), 2);
  const at::Tensor x = test_support::random_complex(problem.aty.sizes(), 3);
  torch::NoGradGuard no_grad;
  // η is stored as log η in float32 at construction: 0.7 to float32's precision.
  const double eta = model->step_sizes()[1].item<double>();
  EXPECT_NEAR(eta, 0.7, 1e-7);
  const at::Tensor expected =
      x - eta * (problem.op.normal(x) - problem.aty) - model->regulariser(1)->residual(x);
  EXPECT_LT(test_support::relative_error(model->unroll(1, x, problem), expected), 1e-12);
  EXPECT_TRUE(at::equal(model->initial(problem), problem.aty));
}

TEST(VarNet, CgSenseStartSolvesTheRegularisedNormalEquations) {
  const SmallGeometry g = test_support::small_geometries()[0];
  const auto problem = test_support::small_problem(g, 4);
  VarNetOptions o = test_support::small_varnet_options(g, 2);
  o.initial(Initial::cg_sense);
  o.initial_lambda(0.1);
  o.initial_cg_iters(200);
  VarNet model = small_varnet(o, 5);
  const at::Tensor x0 = model->initial(problem);
  const at::Tensor residual = problem.op.normal(x0) + 0.1 * x0 - problem.aty;
  EXPECT_LT(test_support::relative_error(residual + problem.aty, problem.aty), 1e-8);
  EXPECT_THROW(core::parse_choice<Initial>("zero"), core::UsageError);
}

class VarNetStrategies : public ::testing::TestWithParam<SmallGeometry> {};

TEST_P(VarNetStrategies, MelEqualsFullToRoundOff) {
  const SmallGeometry& g = GetParam();
  const auto problem = test_support::small_problem(g, 1);
  for (const bool shared : {true, false}) {
    for (const Initial start : {Initial::aty, Initial::cg_sense}) {
      VarNetOptions o = test_support::small_varnet_options(g, 4);
      o.share_weights(shared);
      o.initial(start);
      VarNet model = small_varnet(o, 2);
      const Gradients full = gradients_of(mel::Strategy::full, *model, problem);
      const Gradients mel = gradients_of(mel::Strategy::mel, *model, problem);
      expect_same_gradients(mel, full, 1e-10,
                            g.name + (shared ? " shared" : " per unroll") +
                                (start == Initial::aty ? ", from Aᴴy" : ", from CG-SENSE"));
      // the step sizes are learned: their gradient is really there
      EXPECT_GT(full.named.front().second.abs().sum().item<double>(), 0.0)
          << full.named.front().first;
    }
  }
}

TEST_P(VarNetStrategies, MelInvertibleWithinToleranceWhereContractive) {
  const SmallGeometry& g = GetParam();
  const auto problem = test_support::small_problem(g, 5);
  VarNet model = small_varnet(test_support::small_varnet_options(g, 6, /*lipschitz=*/0.5, 0.3), 6);
  const Gradients full = gradients_of(mel::Strategy::full, *model, problem);
  const Gradients inv = gradients_of(mel::Strategy::mel_invertible, *model, problem,
                                     mel::StrategyOptions().checkpoint_every(3));
  expect_same_gradients(inv, full, 1e-5, g.name);
  EXPECT_EQ(inv.stats.fallbacks, 0) << "inversion should not need recomputation here";
  EXPECT_EQ(inv.stats.inversion_errors.size(), 2u);
  EXPECT_GT(inv.stats.fixed_point_iterations, 0);
  // The model's own error estimate: its fixed points converged to round-off.
  EXPECT_LT(inv.stats.max_inversion_residual, 1e-10);
}

INSTANTIATE_TEST_SUITE_P(AllGeometries, VarNetStrategies,
                         ::testing::ValuesIn(test_support::small_geometries()),
                         [](const auto& info) { return info.param.name; });

TEST(VarNet, MelInvertibleFallsBackToRecomputationWhenTheInverseDrifts) {
  // A loose fixed-point tolerance leaves each recovered input inexact; the drift measured at the
  // stored checkpoint exceeds fallback_tol, the segment is recomputed, and the gradients are
  // plain backprop's to round-off after all.
  const SmallGeometry g = test_support::small_geometries()[0];
  const auto problem = test_support::small_problem(g, 13);
  VarNet model = small_varnet(test_support::small_varnet_options(g, 6, 0.5, 0.3), 14);
  const Gradients full = gradients_of(mel::Strategy::full, *model, problem);
  const Gradients inv = gradients_of(
      mel::Strategy::mel_invertible, *model, problem,
      mel::StrategyOptions().checkpoint_every(3).inversion_tol(1e-2).fallback_tol(1e-9));
  EXPECT_GT(inv.stats.fallbacks, 0);
  // The model's own estimate saw the loose inversion: above round-off, below its tolerance.
  EXPECT_GT(inv.stats.max_inversion_residual, 1e-12);
  EXPECT_LT(inv.stats.max_inversion_residual, 1e-2);
  expect_same_gradients(inv, full, 1e-10, "with fallbacks");
}

TEST(VarNet, MelInvertibleRefusesUnrollsThatAreNotContractive) {
  const SmallGeometry g = test_support::small_geometries()[0];
  const auto problem = test_support::small_problem(g, 7);
  VarNet plain = small_varnet(test_support::small_varnet_options(g, 3), 8);  // no Lipschitz bound
  test_support::expect_error<core::Error>(
      [&] { gradients_of(mel::Strategy::mel_invertible, *plain, problem); },
      "mel-invertible with varnet", "needs a contractive CNN");
  // Bounded CNN, but step 0.9 + Lip(R) 0.5 >= 1.
  VarNet steep = small_varnet(test_support::small_varnet_options(g, 3, 0.5, 0.9), 8);
  test_support::expect_error<core::Error>(
      [&] { gradients_of(mel::Strategy::mel_invertible, *steep, problem); }, "VarNet unroll 2",
      "is not contractive");
}

}  // namespace
}  // namespace melrecon::varnet

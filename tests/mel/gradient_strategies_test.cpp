// MEL gradients against plain backprop for MoDL: `mel` to round-off, `mel-invertible` to a stated
// tolerance, on 2D, 3D and 2D+time problems (float64). VarNet's: tests/varnet.
#include "mel/gradient_strategy.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "support/small_problem.h"
#include "support/strategy_gradients.h"

namespace melrecon::mel {
namespace {

using test_support::SmallGeometry;

using test_support::expect_same_gradients;
using test_support::Gradients;

// The MoDL holder's network, as the strategies take it.
Gradients gradients_of(mel::Strategy strategy, modl::Modl& model, const modl::ModlProblem& problem,
                       const StrategyOptions& options = {}) {
  return test_support::gradients_of(strategy, *model, problem, options);
}

class Strategies : public ::testing::TestWithParam<SmallGeometry> {};

TEST_P(Strategies, MelEqualsFullToRoundOff) {
  const SmallGeometry& g = GetParam();
  const auto problem = test_support::small_problem(g, 1);
  modl::Modl model = test_support::small_model(test_support::small_modl_options(g, 4), 2);
  const Gradients full = gradients_of(mel::Strategy::full, model, problem);
  const Gradients mel = gradients_of(mel::Strategy::mel, model, problem);
  expect_same_gradients(mel, full, 1e-10, g.name);
  // and the λ gradient is really there and non-zero
  EXPECT_GT(full.named.front().second.abs().item<double>(), 0.0) << full.named.front().first;
}

TEST_P(Strategies, MelEqualsFullWithUnsharedWeights) {
  const SmallGeometry& g = GetParam();
  const auto problem = test_support::small_problem(g, 3);
  modl::Modl model =
      test_support::small_model(test_support::small_modl_options(g, 3).share_weights(false), 4);
  expect_same_gradients(gradients_of(mel::Strategy::mel, model, problem),
                        gradients_of(mel::Strategy::full, model, problem), 1e-10, g.name);
}

TEST_P(Strategies, MelEqualsFullWithUNet) {
  SmallGeometry g = GetParam();
  if (g.conv == nn::ConvKind::conv2p1d) g.conv = nn::ConvKind::conv3d;  // the U-Net's cine kind
  const auto problem = test_support::small_problem(g, 11);
  modl::ModlOptions options = test_support::small_modl_options(g, 3);
  options.denoiser().unet(nn::UNetOptions().levels(2).features(3));
  modl::Modl model = test_support::small_model(options, 12);
  expect_same_gradients(gradients_of(mel::Strategy::mel, model, problem),
                        gradients_of(mel::Strategy::full, model, problem), 1e-10,
                        g.name + " U-Net");
}

// Converged CG (so the data-consistency inverse is exact) and a contractive CNN.
modl::ModlOptions invertible_options(const SmallGeometry& g, int64_t unrolls) {
  return test_support::small_modl_options(g, unrolls, /*lipschitz=*/0.9)
      .cg_iters(500)
      .cg_tol(1e-13);
}

TEST_P(Strategies, MelInvertibleWithinToleranceAt5And30Unrolls) {
  const SmallGeometry& g = GetParam();
  const auto problem = test_support::small_problem(g, 5);
  for (int64_t unrolls : {5, 30}) {
    modl::Modl model = test_support::small_model(invertible_options(g, unrolls), 6);
    const Gradients full = gradients_of(mel::Strategy::full, model, problem);
    const Gradients inv = gradients_of(mel::Strategy::mel_invertible, model, problem);
    expect_same_gradients(inv, full, 1e-5, g.name + " " + std::to_string(unrolls) + " unrolls");
    // The gradients above came from inverted inputs, not from recomputation.
    EXPECT_EQ(inv.stats.fallbacks, 0) << "inversion should not need recomputation here";
    EXPECT_EQ(inv.stats.inversion_errors.size(), static_cast<size_t>((unrolls + 4) / 5));
    EXPECT_LT(inv.stats.max_inversion_residual, 1e-10);  // the model's own error estimate
  }
}

INSTANTIATE_TEST_SUITE_P(AllGeometries, Strategies,
                         ::testing::ValuesIn(test_support::small_geometries()),
                         [](const auto& info) { return info.param.name; });

TEST(MelInvertible, PureInversionWithoutCheckpointsStillAccurateAt5Unrolls) {
  const SmallGeometry g = test_support::small_geometries()[0];
  const auto problem = test_support::small_problem(g, 7);
  modl::Modl model = test_support::small_model(invertible_options(g, 5), 8);
  const Gradients full = gradients_of(mel::Strategy::full, model, problem);
  const Gradients inv = gradients_of(mel::Strategy::mel_invertible, model, problem,
                                     StrategyOptions().checkpoint_every(0));
  expect_same_gradients(inv, full, 1e-5, "no checkpoints");
  ASSERT_EQ(inv.stats.inversion_errors.size(), 1u);  // one segment, checked against x_0 = Aᴴy
  EXPECT_EQ(inv.stats.fallbacks, 0);
}

TEST(MelInvertible, PureInversionDriftsAt30UnrollsAndTheCheckDetectsIt) {
  // Without intermediate checkpoints the recovered inputs drift (Kellman et al.: pure
  // inversion blows up with depth); the drift measured at x_0 exceeds the tolerance and the
  // segment is recomputed, so the gradients are exact after all.
  const SmallGeometry g = test_support::small_geometries()[0];
  const auto problem = test_support::small_problem(g, 7);
  modl::Modl model = test_support::small_model(invertible_options(g, 30), 8);
  const Gradients full = gradients_of(mel::Strategy::full, model, problem);
  const Gradients inv = gradients_of(mel::Strategy::mel_invertible, model, problem,
                                     StrategyOptions().checkpoint_every(0).fallback_tol(1e-8));
  ASSERT_EQ(inv.stats.inversion_errors.size(), 1u);
  EXPECT_GT(inv.stats.inversion_errors[0], 1e-8);
  EXPECT_EQ(inv.stats.fallbacks, 1);
  expect_same_gradients(inv, full, 1e-10, "30 unrolls, recomputed");
}

TEST(MelInvertible, FallsBackToCheckpointsWhenInversionIsInexact) {
  // Unconverged CG (3 iterations) makes the data-consistency inverse inexact; the measured
  // drift triggers recomputation from the checkpoint and gradients are exact again.
  const SmallGeometry g = test_support::small_geometries()[0];
  const auto problem = test_support::small_problem(g, 9);
  modl::Modl model =
      test_support::small_model(test_support::small_modl_options(g, 6, 0.9).cg_iters(3), 10);
  const Gradients full = gradients_of(mel::Strategy::full, model, problem);
  const Gradients inv = gradients_of(mel::Strategy::mel_invertible, model, problem,
                                     StrategyOptions().checkpoint_every(3));
  EXPECT_GT(inv.stats.fallbacks, 0);
  expect_same_gradients(inv, full, 1e-10, "with fallbacks");
}

TEST(GradientStrategy, UnknownNameIsAUsageError) {
  EXPECT_THROW(core::parse_choice<Strategy>("magic"), core::UsageError);
}

}  // namespace
}  // namespace melrecon::mel

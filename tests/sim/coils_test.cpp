// Biot-Savart coil sensitivities: the physics of one loop, normalisation and smoothness of the
// maps, and that different coils see different parts of the object.
#include "sim/coils.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

#include "sim/grid.h"

namespace melrecon::sim {
namespace {

// On the axis of a circular loop (unit current, μ0/4π = 1): B = 2π a² / (a² + z²)^{3/2}.
TEST(Coils, LoopFieldMatchesTheOnAxisFormula) {
  const Loop loop{{0, 0, 0}, {0, 0, 1}, 0.4};
  const at::Tensor zs = at::tensor({0.0, 0.1, 0.4, 1.0, 2.5}, at::kDouble);
  const at::Tensor points = at::stack({at::zeros_like(zs), at::zeros_like(zs), zs}, 1);
  const at::Tensor b = loop_field(loop, points, 256);
  for (int64_t i = 0; i < zs.size(0); ++i) {
    const double z = zs[i].item<double>(), a = 0.4;
    const double expected = 2 * M_PI * a * a / std::pow(a * a + z * z, 1.5);
    EXPECT_NEAR(b[i][2].item<double>() / expected, 1.0, 1e-3) << "z = " << z;
    EXPECT_NEAR(b[i][0].item<double>(), 0.0, 1e-9);
    EXPECT_NEAR(b[i][1].item<double>(), 0.0, 1e-9);
  }
}

TEST(Coils, ArrayRingsSurroundTheFieldOfView) {
  for (int64_t coils : {1, 5, 8, 12, 32}) {
    const auto loops = coil_array(coils, 0.3);
    ASSERT_EQ(static_cast<int64_t>(loops.size()), coils);
    for (const Loop& l : loops) {
      EXPECT_NEAR(std::hypot(l.center[0], l.center[1]), 1.5, 1e-12);  // outside [-1, 1]²
      EXPECT_NEAR(l.center[0] * l.normal[0] + l.center[1] * l.normal[1], -1.5, 1e-12);  // facing in
    }
  }
}

TEST(Coils, MapsHaveUnitRootSumOfSquaresAndAreSmooth) {
  core::Rng rng(4);
  const at::Tensor s = coil_maps(8, {64, 64}, rng);
  ASSERT_EQ(s.sizes(), (std::vector<int64_t>{8, 64, 64}));
  const at::Tensor rss = s.abs().pow(2).sum(0).sqrt();
  EXPECT_LT((rss - 1).abs().max().item<double>(), 1e-5);
  // Smooth: within the disc that holds the object, neighbouring pixels of a 64² grid differ by
  // under 0.1 (measured 0.058; maps have |S| up to 1, a random map would change by ~0.5).
  const at::Tensor p = grid_points({64, 64});
  const at::Tensor disc = (p.select(1, 0).pow(2) + p.select(1, 1).pow(2) < 1).reshape({64, 64});
  const at::Tensor dy = (s.narrow(1, 1, 63) - s.narrow(1, 0, 63)).abs() * disc.narrow(0, 1, 63);
  const at::Tensor dx = (s.narrow(2, 1, 63) - s.narrow(2, 0, 63)).abs() * disc.narrow(1, 1, 63);
  EXPECT_LT(dy.max().item<double>(), 0.1);
  EXPECT_LT(dx.max().item<double>(), 0.1);
  EXPECT_LT(dy.mean().item<double>(), 0.02);
}

TEST(Coils, EachCoilSeesItsOwnSideAndTheCoilsAreIndependent) {
  const int64_t coils = 8;
  core::Rng rng(9), same(9);
  const at::Tensor s = coil_maps(coils, {48, 48}, rng).reshape({coils, -1});
  const auto loops = coil_array(coils, same.uniform(0, 2 * M_PI));  // the rotation coil_maps drew
  const at::Tensor p = grid_points({48, 48});
  for (int64_t c = 0; c < coils; ++c) {
    const int64_t peak = s[c].abs().argmax().item<int64_t>();
    const double px = p[peak][0].item<double>(), py = p[peak][1].item<double>();
    const double off = std::remainder(
        std::atan2(py, px) - std::atan2(loops[c].center[1], loops[c].center[0]), 2 * M_PI);
    EXPECT_LT(std::abs(off), M_PI / 4) << "coil " << c;
  }
  const at::Tensor sv = at::linalg_svdvals(s);
  EXPECT_GT((sv.min() / sv.max()).item<double>(), 0.02);
}

TEST(Coils, VolumeMapsForManyCoils) {
  core::Rng rng(1);
  const at::Tensor s = coil_maps(16, {12, 24, 24}, rng);
  ASSERT_EQ(s.sizes(), (std::vector<int64_t>{16, 12, 24, 24}));
  EXPECT_LT((s.abs().pow(2).sum(0).sqrt() - 1).abs().max().item<double>(), 1e-5);
  // Two rings: the ring below z = 0 dominates the lowest slice, the one above the highest.
  const at::Tensor energy = s.abs().pow(2);
  const double low_ring_bottom = energy.narrow(0, 0, 8).select(1, 0).sum().item<double>();
  const double low_ring_top = energy.narrow(0, 0, 8).select(1, 11).sum().item<double>();
  EXPECT_GT(low_ring_bottom, 1.5 * low_ring_top);
}

}  // namespace
}  // namespace melrecon::sim

// CG-SENSE runs at unit scales: data or coil maps scaled far from 1 (where float32's AᴴA would
// overflow) give the correspondingly scaled image, and λ out of range is refused.
#include "recon/cg_sense.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "support/test_support.h"

namespace melrecon::recon {
namespace {

struct Problem {
  at::Tensor maps, mask, kspace;
};

// 2D, 4 coils, half the lines, float32 (where scaling matters).
Problem problem() {
  Problem p;
  p.maps = test_support::random_complex({1, 4, 16, 12}, 1, at::kComplexFloat);
  p.maps = p.maps / p.maps.abs().square().sum(1, true).sqrt();
  p.mask = (at::arange(16).remainder(2) == 0).to(at::kFloat).reshape({1, 1, 16, 1});
  const mri::SenseOp op(p.maps, p.mask);
  p.kspace = op.forward(test_support::random_complex({1, 16, 12}, 2, at::kComplexFloat));
  return p;
}

at::Tensor solve(const at::Tensor& maps, const at::Tensor& mask, const at::Tensor& kspace,
                 double lambda) {
  return cg_sense(mri::SenseOp(maps, mask), kspace, lambda, solvers::CgOptions().max_iters(20)).x;
}

TEST(CgSense, DataAndMapsScaledFarFromOneGiveTheScaledImage) {
  const Problem p = problem();
  const at::Tensor x = solve(p.maps, p.mask, p.kspace, 0.01);
  // x solves (AᴴA + λI) x = Aᴴy (not zeros, which the scalings below would also pass).
  const mri::SenseOp op(p.maps, p.mask);
  ASSERT_GT(x.abs().max().item<double>(), 0.0);
  EXPECT_LT(test_support::relative_error(op.normal(x) + 0.01 * x, op.adjoint(p.kspace)), 1e-4);
  // The image is linear in the data.
  const at::Tensor big_data = solve(p.maps, p.mask, p.kspace * 1e20, 0.01);
  ASSERT_TRUE(at::isfinite(big_data).all().item<bool>());
  EXPECT_LT(test_support::relative_error(big_data / 1e20, x), 1e-5);
  // Maps and data both scaled by a: y = M·F·(aS)·x with y·a gives the same x (λ = 0).
  const at::Tensor x0 = solve(p.maps, p.mask, p.kspace, 0.0);
  const at::Tensor both = solve(p.maps * 1e20, p.mask, p.kspace * 1e20, 0.0);
  ASSERT_TRUE(at::isfinite(both).all().item<bool>());
  EXPECT_LT(test_support::relative_error(both, x0), 1e-4);
  const at::Tensor small = solve(p.maps * 1e-20, p.mask, p.kspace * 1e-20, 0.0);
  EXPECT_LT(test_support::relative_error(small, x0), 1e-4);
}

TEST(CgSense, LambdaOutOfRangeIsRefusedAndNoDataGivesZeros) {
  const Problem p = problem();
  EXPECT_THROW(solve(p.maps, p.mask, p.kspace, 1e40), core::Error);
  EXPECT_THROW(solve(p.maps, p.mask, p.kspace, -1), core::Error);
  EXPECT_EQ(solve(p.maps, p.mask, at::zeros_like(p.kspace), 0.01).abs().max().item<double>(), 0.0);
}

}  // namespace
}  // namespace melrecon::recon

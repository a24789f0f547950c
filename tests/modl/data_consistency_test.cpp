// The implicit (one extra CG) backward of data consistency against backpropagation through a
// converged CG and against finite differences.
#include "modl/data_consistency.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/autograd.h>

#include <array>
#include <iostream>

#include "support/small_problem.h"

namespace melrecon::modl {
namespace {

using test_support::random_complex;
using test_support::relative_error;

struct DcFixture : ::testing::Test {
  test_support::SmallGeometry g = test_support::small_geometries()[0];
  ModlProblem problem = test_support::small_problem(g, 5);
  solvers::CgOptions converged = solvers::CgOptions().max_iters(400).tol(1e-14);
  at::Tensor rhs0 = random_complex(g.image_shape, 6);
  at::Tensor target = random_complex(g.image_shape, 7);

  // L(rhs, λ) = Σ |x − target|² · w with a fixed complex weight so the gradient is generic.
  at::Tensor loss(const at::Tensor& x) const {
    return ((x - target).abs().pow(2) *
            at::linspace(0.5, 1.5, x.numel(), at::kDouble).reshape(x.sizes()))
        .sum();
  }
};

TEST_F(DcFixture, ImplicitBackwardMatchesBackpropThroughConvergedCg) {
  const at::Tensor lam = at::full({}, 0.07, at::kDouble);
  // implicit
  at::Tensor rhs = rhs0.clone().requires_grad_(true);
  at::Tensor l1 = lam.clone().requires_grad_(true);
  loss(data_consistency(problem.op, rhs, l1, converged)).backward();
  // unrolled CG iterations under autograd
  at::Tensor rhs2 = rhs0.clone().requires_grad_(true);
  at::Tensor l2 = lam.clone().requires_grad_(true);
  const auto normal = [&](const at::Tensor& x) { return problem.op.normal(x) + l2 * x; };
  loss(solvers::conjugate_gradient(normal, rhs2, solvers::CgOptions().max_iters(60)).x).backward();
  EXPECT_LT(relative_error(rhs.grad(), rhs2.grad()), 1e-8);
  EXPECT_LT(relative_error(l1.grad(), l2.grad()), 1e-8);
}

TEST_F(DcFixture, ImplicitBackwardMatchesFiniteDifferences) {
  const double lam0 = 0.07, h = 1e-6;
  at::Tensor rhs = rhs0.clone().requires_grad_(true);
  at::Tensor lam = at::full({}, lam0, at::kDouble).requires_grad_(true);
  loss(data_consistency(problem.op, rhs, lam, converged)).backward();
  auto f = [&](const at::Tensor& r, double l) {
    return loss(data_consistency(problem.op, r, at::full({}, l, at::kDouble), converged))
        .item<double>();
  };
  const double fd_lambda = (f(rhs0, lam0 + h) - f(rhs0, lam0 - h)) / (2 * h);
  EXPECT_NEAR(lam.grad().item<double>(), fd_lambda, 1e-6 * std::abs(fd_lambda));
  // Directional derivative along a random complex direction d: dL = Re⟨grad, d⟩.
  const at::Tensor d = random_complex(g.image_shape, 8);
  const double fd_dir = (f(rhs0 + h * d, lam0) - f(rhs0 - h * d, lam0)) / (2 * h);
  const double analytic = at::real((rhs.grad().conj() * d).sum()).item<double>();
  EXPECT_NEAR(analytic, fd_dir, 1e-6 * std::abs(fd_dir));
}

// MEL's recompute passes the unroll output it kept: no CG in the forward, the same backward.
TEST_F(DcFixture, KnownSolutionGivesTheSameValueAndGradients) {
  const solvers::CgOptions eight = solvers::CgOptions().max_iters(8);  // unconverged, as trained
  at::Tensor rhs = rhs0.clone().requires_grad_(true);
  at::Tensor lam = at::full({}, 0.07, at::kDouble).requires_grad_(true);
  const at::Tensor x = data_consistency(problem.op, rhs, lam, eight);
  loss(x).backward();
  at::Tensor rhs2 = rhs0.clone().requires_grad_(true);
  at::Tensor lam2 = at::full({}, 0.07, at::kDouble).requires_grad_(true);
  const at::Tensor x2 = data_consistency_known(problem.op, rhs2, lam2, eight, x.detach());
  loss(x2).backward();
  EXPECT_TRUE(at::equal(x2, x));
  EXPECT_TRUE(at::equal(rhs2.grad(), rhs.grad()));
  EXPECT_TRUE(at::equal(lam2.grad(), lam.grad()));
  EXPECT_NE(lam.grad().item<double>(), 0.0);
  // It returns the solution it is given, without solving again: a different "solution" comes
  // back as it is, and the backward (which uses it) gives another λ gradient.
  at::Tensor lam3 = at::full({}, 0.07, at::kDouble).requires_grad_(true);
  const at::Tensor other = x.detach() * 1.5;
  const at::Tensor x3 =
      data_consistency_known(problem.op, rhs0.clone().requires_grad_(true), lam3, eight, other);
  EXPECT_TRUE(at::equal(x3, other));
  loss(x3).backward();
  EXPECT_NE(lam3.grad().item<double>(), lam.grad().item<double>());
}

// What the implicit backward is. Training runs a fixed number of CG iterations forward
// (model.cg_iters, 8 by default); the backward applies the gradient formula of the exact solve
// (AᴴA + λI)⁻¹, itself solved by a CG of as many iterations. That is not the derivative of the
// 8-iteration function the forward evaluated, and at 8 iterations not the exact solve's gradient
// either: measured here on the small 2D problem (forward residual 2.6e-2), 5.0% from the
// derivative of the iterations and 6.2% from the exact gradient (d/d(rhs)); both gaps close as
// CG converges. `full` and `mel` share this backward, so they agree with each other to
// round-off at any iteration count.
TEST_F(DcFixture, AtEightIterationsTheImplicitGradientDiffersFromDifferentiatingTheIterations) {
  const at::Tensor lam = at::full({}, 0.05, at::kDouble);
  const auto gradients = [&](bool implicit, int64_t iters) {
    at::Tensor rhs = rhs0.clone().requires_grad_(true);
    at::Tensor l = lam.clone().requires_grad_(true);
    const auto cg = solvers::CgOptions().max_iters(iters);
    at::Tensor x;
    if (implicit) {
      x = data_consistency(problem.op, rhs, l, cg);
    } else {
      const auto normal = [&](const at::Tensor& v) { return problem.op.normal(v) + l * v; };
      x = solvers::conjugate_gradient(normal, rhs, cg).x;
    }
    loss(x).backward();
    return std::make_pair(rhs.grad(), l.grad());
  };
  const auto exact = gradients(true, 400);
  const auto gap = [&](int64_t iters) {
    const auto implicit = gradients(true, iters), unrolled = gradients(false, iters);
    return std::array<double, 4>{relative_error(implicit.first, unrolled.first),
                                 relative_error(implicit.second, unrolled.second),
                                 relative_error(implicit.first, exact.first),
                                 relative_error(unrolled.first, exact.first)};
  };
  const double residual8 = solvers::conjugate_gradient(
                               [&](const at::Tensor& v) { return problem.op.normal(v) + lam * v; },
                               rhs0, solvers::CgOptions().max_iters(8))
                               .relative_residual.max()
                               .item<double>();
  const auto at8 = gap(8), at30 = gap(30);
  std::cout << "8 CG iterations (forward residual " << residual8
            << "): implicit vs differentiated iterations, d/d(rhs) " << at8[0] << ", d/dλ "
            << at8[1] << "; vs the exact solve's gradient: implicit " << at8[2]
            << ", differentiated iterations " << at8[3] << "\n"
            << "30 CG iterations: implicit vs differentiated iterations, d/d(rhs) " << at30[0]
            << ", d/dλ " << at30[1] << "\n";
  ASSERT_GT(residual8, 1e-3);  // the solve is unconverged at 8 iterations, as in training
  EXPECT_GT(at8[0], 1e-3);     // so the two gradients are different functions' gradients
  EXPECT_GT(at8[1], 1e-3);
  EXPECT_LT(at30[0], at8[0] / 10);  // and they meet as CG converges
  EXPECT_LT(at30[1], at8[1] / 10);
}

TEST_F(DcFixture, ForwardSolvesTheNormalEquations) {
  const at::Tensor lam = at::full({}, 0.07, at::kDouble);
  const at::Tensor x = data_consistency(problem.op, rhs0, lam, converged);
  EXPECT_LT(relative_error(data_consistency_rhs(problem.op, x, lam), rhs0), 1e-12);
}

}  // namespace
}  // namespace melrecon::modl

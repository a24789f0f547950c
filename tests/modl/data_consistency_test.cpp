// The implicit (one extra CG) backward of data consistency against backpropagation through a
// converged CG and against finite differences.
#include "modl/data_consistency.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/autograd.h>

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
}

TEST_F(DcFixture, ForwardSolvesTheNormalEquations) {
  const at::Tensor lam = at::full({}, 0.07, at::kDouble);
  const at::Tensor x = data_consistency(problem.op, rhs0, lam, converged);
  EXPECT_LT(relative_error(data_consistency_rhs(problem.op, x, lam), rhs0), 1e-12);
}

}  // namespace
}  // namespace melrecon::modl

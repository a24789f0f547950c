#include "solvers/conjugate_gradient.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "mri/sense_op.h"
#include "solvers/power_iteration.h"
#include "support/test_support.h"

namespace melrecon::solvers {
namespace {

using test_support::random_complex;
using test_support::relative_error;

// A tiny SENSE normal operator + λI and its dense matrix (columns = operator on unit vectors).
struct TinyProblem {
  mri::SenseOp op;
  double lambda;
  LinearOperator apply() const {
    return [this](const at::Tensor& x) { return op.normal(x) + lambda * x; };
  }
  at::Tensor dense(int64_t n, int64_t batch_index) const {
    const mri::SenseOp one = op.narrow_batch(batch_index, 1);
    at::Tensor m = at::zeros({n * n, n * n}, at::kComplexDouble);
    for (int64_t j = 0; j < n * n; ++j) {
      at::Tensor e = at::zeros({1, n, n}, at::kComplexDouble);
      e.view(-1)[j] = 1;
      m.select(1, j).copy_((one.normal(e) + lambda * e).flatten());
    }
    return m;
  }
};

TinyProblem tiny_problem(int64_t batch, int64_t n) {
  const at::Tensor maps = random_complex({batch, 3, n, n}, 41);
  const at::Tensor mask = (at::arange(n) % 3 != 1).to(at::kDouble).reshape({1, 1, n, 1});
  return {mri::SenseOp(maps, mask), 0.05};
}

TEST(ConjugateGradient, MatchesADenseSolvePerExample) {
  const int64_t n = 6;
  const TinyProblem p = tiny_problem(2, n);
  const at::Tensor b = random_complex({2, n, n}, 42);
  const CgResult r = conjugate_gradient(p.apply(), b, CgOptions().max_iters(500).tol(1e-13));
  for (int64_t i = 0; i < 2; ++i) {
    const at::Tensor exact = at::linalg_solve(p.dense(n, i), b[i].flatten()).reshape({n, n});
    EXPECT_LT(relative_error(r.x[i], exact), 1e-9) << "example " << i;
    EXPECT_LT(r.relative_residual[i].item<double>(), 1e-12);
  }
}

TEST(ConjugateGradient, FixedIterationCountWithoutTolerance) {
  const TinyProblem p = tiny_problem(1, 6);
  const CgResult r =
      conjugate_gradient(p.apply(), random_complex({1, 6, 6}, 43), CgOptions().max_iters(4));
  EXPECT_EQ(r.iterations, 4);
}

TEST(ConjugateGradient, ExamplesConvergeIndependently) {
  // Example 0 is trivial (b = 0); example 1 needs many iterations. Both end below tolerance
  // and the zero example stays exactly zero.
  const TinyProblem p = tiny_problem(2, 6);
  at::Tensor b = random_complex({2, 6, 6}, 44);
  b[0].zero_();
  const CgResult r = conjugate_gradient(p.apply(), b, CgOptions().max_iters(500).tol(1e-10));
  EXPECT_EQ(r.x[0].abs().max().item<double>(), 0.0);
  EXPECT_LT(r.relative_residual[1].item<double>(), 1e-10);
  EXPECT_LT(relative_error(p.apply()(r.x).narrow(0, 1, 1), b.narrow(0, 1, 1)), 1e-9);
  EXPECT_LT(r.iterations, 500);
}

TEST(ConjugateGradient, WarmStartGivesTheSameSolution) {
  const TinyProblem p = tiny_problem(1, 6);
  const at::Tensor b = random_complex({1, 6, 6}, 45);
  const auto opts = CgOptions().max_iters(500).tol(1e-13);
  const CgResult cold = conjugate_gradient(p.apply(), b, opts);
  const CgResult warm = conjugate_gradient(p.apply(), b, opts, random_complex({1, 6, 6}, 46));
  EXPECT_LT(relative_error(warm.x, cold.x), 1e-9);
}

TEST(PowerIteration, FindsTheLargestEigenvalue) {
  const int64_t n = 5;
  const TinyProblem p = tiny_problem(1, n);
  const double exact = at::linalg_eigvalsh(p.dense(n, 0)).max().item<double>();
  const auto r =
      power_iteration(p.apply(), at::zeros({1, n, n}, at::kComplexDouble), 2000, 1e-14, 7);
  EXPECT_NEAR(r.eigenvalue[0].item<double>(), exact, 1e-8 * exact);
}

}  // namespace
}  // namespace melrecon::solvers

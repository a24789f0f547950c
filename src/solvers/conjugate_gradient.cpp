#include "solvers/conjugate_gradient.h"

#include <ATen/ATen.h>

#include "core/error.h"

namespace melrecon::solvers {

CgResult conjugate_gradient(const LinearOperator& op, const at::Tensor& b,
                            const CgOptions& options, const at::Tensor& x0) {
  core::check(options.max_iters_ >= 0, "CG: max_iters must be >= 0, found {}", options.max_iters_);
  core::check(b.dim() >= 1, "CG: right-hand side must have a batch axis");
  const int64_t rank = b.dim();
  at::Tensor x = x0.defined() ? x0 : at::zeros_like(b);
  at::Tensor r = x0.defined() ? b - op(x0) : b;
  at::Tensor p = r;
  at::Tensor rr = batch_norm_sq(r);
  const at::Tensor b_norm_sq = batch_norm_sq(b);
  // Examples with b = 0 have the solution 0: keep them still (and avoid 0/0).
  const at::Tensor threshold = b_norm_sq * (options.tol_ * options.tol_);
  at::Tensor active = rr > threshold;

  CgResult result;
  for (int64_t it = 0; it < options.max_iters_; ++it) {
    if (options.tol_ > 0 && !active.any().item<bool>()) break;
    const at::Tensor ap = op(p);
    const at::Tensor pap = at::real(batch_dot(p, ap));
    const at::Tensor alpha =
        at::where(active & (pap > 0), rr / at::where(pap > 0, pap, at::ones_like(pap)),
                  at::zeros_like(pap));
    const at::Tensor alpha_b = per_example(alpha, rank);
    x = x + alpha_b * p;
    r = r - alpha_b * ap;
    const at::Tensor rr_new = batch_norm_sq(r);
    const at::Tensor beta =
        at::where(active, rr_new / at::where(rr > 0, rr, at::ones_like(rr)), at::zeros_like(rr));
    p = r + per_example(beta, rank) * p;
    rr = at::where(active, rr_new, rr);
    active = active & (rr > threshold);
    result.iterations = it + 1;
  }
  result.x = x;
  result.relative_residual =
      at::sqrt(rr / at::where(b_norm_sq > 0, b_norm_sq, at::ones_like(b_norm_sq))).detach();
  return result;
}

}  // namespace melrecon::solvers

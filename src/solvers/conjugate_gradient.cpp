#include "solvers/conjugate_gradient.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include "core/error.h"

namespace melrecon::solvers {
namespace {

// Vector updates: in place when no graph is being recorded (the common case: data consistency
// solves inside its own autograd function), out of place when autograd differentiates
// through the iterations.
struct Updates {
  bool in_place;
  // x + a·p, a per example broadcast to x
  at::Tensor axpy(const at::Tensor& x, const at::Tensor& a, const at::Tensor& p) const {
    return in_place ? x.addcmul_(a, p) : x + a * p;
  }
  // p·b + r
  at::Tensor scale_add(const at::Tensor& p, const at::Tensor& b, const at::Tensor& r) const {
    return in_place ? p.mul_(b).add_(r) : r + b * p;
  }
};

}  // namespace

CgResult conjugate_gradient(const LinearOperator& op, const at::Tensor& b, const CgOptions& options,
                            const at::Tensor& x0) {
  MELRECON_CHECK(options.max_iters() >= 0, "CG: max_iters must be >= 0, found {}",
                 options.max_iters());
  MELRECON_CHECK(b.dim() >= 1, "CG: right-hand side must have a batch axis");
  const Updates update{!at::GradMode::is_enabled()};
  const int64_t rank = b.dim();
  at::Tensor x = x0.defined() ? x0.clone() : at::zeros_like(b);
  at::Tensor r = x0.defined() ? b - op(x0) : b.clone();
  at::Tensor p = r.clone();
  at::Tensor rr = batch_norm_sq(r);
  const at::Tensor b_norm_sq = batch_norm_sq(b);
  // Examples with b = 0 have the solution 0: keep them still (and avoid 0/0).
  const at::Tensor threshold = b_norm_sq * (options.tol() * options.tol());
  at::Tensor active = rr > threshold;
  const at::Tensor zero = at::zeros_like(rr);

  CgResult result;
  for (int64_t it = 0; it < options.max_iters(); ++it) {
    if (options.tol() > 0 && !active.any().item<bool>()) break;
    const at::Tensor ap = op(p);
    const at::Tensor pap = batch_real_dot(p, ap);
    const at::Tensor alpha = at::where(active & (pap > 0), rr / pap, zero);
    const at::Tensor alpha_b = per_example(alpha, rank);
    x = update.axpy(x, alpha_b, p);
    r = update.axpy(r, -alpha_b, ap);
    const at::Tensor rr_new = batch_norm_sq(r);
    const at::Tensor beta = at::where(active & (rr > 0), rr_new / rr, zero);
    p = update.scale_add(p, per_example(beta, rank), r);
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

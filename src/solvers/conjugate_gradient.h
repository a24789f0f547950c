// Batched conjugate gradient for Hermitian positive definite systems A x = b, one independent
// system per batch entry (step sizes are per example). Stops after `max_iters`, or earlier
// once every example's residual satisfies ‖r‖ ≤ tol·‖b‖ (tol > 0); an example that converged
// stops moving while the others continue. Written with out-of-place tensor ops, so autograd
// can differentiate through the iterations when a caller wants that (tests do; the MoDL data
// consistency instead differentiates the solve implicitly).
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/arg.h>

#include "solvers/linear_operator.h"

namespace melrecon::solvers {

struct CgOptions {
  TORCH_ARG(int64_t, max_iters) = 10;
  TORCH_ARG(double, tol) = 0.0;  // relative residual; 0 = run exactly max_iters
};

struct CgResult {
  at::Tensor x;
  at::Tensor relative_residual;  // [B], ‖b − A x‖ / ‖b‖ as tracked by the recursion
  int64_t iterations = 0;
};

// `x0` may be undefined (start from zero).
CgResult conjugate_gradient(const LinearOperator& op, const at::Tensor& b, const CgOptions& options,
                            const at::Tensor& x0 = {});

}  // namespace melrecon::solvers

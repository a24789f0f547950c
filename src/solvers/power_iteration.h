// Largest eigenvalue of a Hermitian positive semi-definite operator (e.g. AᴴA), per batch
// entry, by power iteration from a seeded random start.
#pragma once

#include <ATen/core/Tensor.h>

#include "solvers/linear_operator.h"

namespace melrecon::solvers {

struct PowerIterationResult {
  at::Tensor eigenvalue;   // [B], real
  at::Tensor eigenvector;  // like the example tensor, unit norm per example
  int64_t iterations = 0;
};

// `like` gives shape, dtype and device of the vectors. Stops after `max_iters` or when every
// example's eigenvalue estimate changes by less than `tol` (relative) between iterations.
PowerIterationResult power_iteration(const LinearOperator& op, const at::Tensor& like,
                                     int64_t max_iters, double tol, uint64_t seed);

}  // namespace melrecon::solvers

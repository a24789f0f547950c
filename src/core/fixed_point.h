// Fixed-point iteration z ← T(z) for a contraction T (no graph): linear convergence with T's
// Lipschitz constant as the rate, stopped at a relative change of `tol` or where round-off makes
// the steps stop shrinking.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>

namespace melrecon::core {

struct FixedPoint {
  at::Tensor x;
  int64_t iterations = 0;
  double relative_change = 0.0;  // ‖x_j − x_{j−1}‖ / ‖x_j‖ at the last iteration
};

// `tol` is raised to a few ulps of `start`'s dtype: no iteration gets below round-off.
FixedPoint fixed_point(const std::function<at::Tensor(const at::Tensor&)>& map,
                       const at::Tensor& start, double tol, int64_t max_iters);

}  // namespace melrecon::core

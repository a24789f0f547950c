#include "core/fixed_point.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <limits>

namespace melrecon::core {

FixedPoint fixed_point(const std::function<at::Tensor(const at::Tensor&)>& map,
                       const at::Tensor& start, double tol, int64_t max_iters) {
  at::NoGradGuard no_grad;
  const double eps = c10::toRealValueType(start.scalar_type()) == at::kDouble
                         ? std::numeric_limits<double>::epsilon()
                         : std::numeric_limits<float>::epsilon();
  const double target = std::max(tol, 8 * eps);
  FixedPoint r{start};
  double previous = std::numeric_limits<double>::infinity();
  while (r.iterations < max_iters) {
    const at::Tensor next = map(r.x);
    ++r.iterations;
    r.relative_change = ((next - r.x).norm() / next.norm().clamp_min(1e-30)).item<double>();
    r.x = next;
    // Converged, or stagnating at round-off (a contraction's steps shrink until then).
    if (r.relative_change <= target || r.relative_change >= previous) break;
    previous = r.relative_change;
  }
  return r;
}

}  // namespace melrecon::core

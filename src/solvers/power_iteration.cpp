#include "solvers/power_iteration.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

namespace melrecon::solvers {

PowerIterationResult power_iteration(const LinearOperator& op, const at::Tensor& like,
                                     int64_t max_iters, double tol, uint64_t seed) {
  // The start vector is drawn on the CPU so that a seed gives the same start on any device.
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  at::Tensor v = at::randn(like.sizes(), gen, like.options().device(at::kCPU)).to(like.device());
  const int64_t rank = like.dim();
  auto normalize = [&](const at::Tensor& t) {
    return t / per_example(at::sqrt(batch_norm_sq(t)), rank);
  };
  v = normalize(v);
  PowerIterationResult result;
  at::Tensor previous;
  for (int64_t it = 0; it < max_iters; ++it) {
    const at::Tensor av = op(v);
    const at::Tensor estimate = batch_real_dot(v, av);  // Rayleigh quotient, ‖v‖ = 1
    v = normalize(av);
    result.iterations = it + 1;
    result.eigenvalue = estimate;
    if (previous.defined() &&
        ((estimate - previous).abs() <= tol * estimate.abs()).all().item<bool>()) {
      break;
    }
    previous = estimate;
  }
  result.eigenvector = v;
  return result;
}

}  // namespace melrecon::solvers

#include "mel/mel_invertible.h"

#include <algorithm>

#include "core/error.h"

namespace melrecon::mel {
namespace {

double relative_difference(const at::Tensor& a, const at::Tensor& b) {
  return ((a - b).norm() / b.norm().clamp_min(1e-30)).item<double>();
}

}  // namespace

StepResult MelInvertible::forward_backward(unrolled::UnrolledModel& model,
                                           const unrolled::Problem& problem, const LossFn& loss) {
  const std::string unavailable = model.inversion_unavailable();
  MELRECON_CHECK(unavailable.empty(), "mel-invertible with {}: {}", model.arch(), unavailable);
  const int64_t n = model.num_unrolls();
  const int64_t m = options_.checkpoint_every() > 0 ? options_.checkpoint_every() : n;
  const auto inversion = unrolled::InversionOptions()
                             .tol(options_.inversion_tol())
                             .max_iters(options_.inversion_max_iters());
  StepStats stats;
  const auto invert = [&](int64_t k, const at::Tensor& output) {
    const unrolled::Inversion r = model.invert_unroll(k, output, problem, inversion);
    stats.fixed_point_iterations += r.iterations;
    stats.max_inversion_residual = std::max(stats.max_inversion_residual, r.residual);
    return r.input;
  };
  std::vector<at::Tensor> checkpoints;  // x_0, x_M, x_2M, ...
  at::Tensor x = model.initial(problem);
  {
    torch::NoGradGuard no_grad;
    for (int64_t k = 0; k < n; ++k) {
      if (k % m == 0) checkpoints.push_back(x);
      x = model.unroll(k, x, problem);
    }
  }
  StepResult result{x, {}, {}};
  auto [value, grad] = loss_and_output_gradient(x, loss);
  result.loss = value;
  at::Tensor end = x;  // exact input of the unroll after the current segment
  for (int64_t s = static_cast<int64_t>(checkpoints.size()) - 1; s >= 0; --s) {
    const int64_t first = s * m, last = std::min(first + m, n);  // unrolls [first, last)
    std::vector<at::Tensor> inputs(last - first);
    inputs[0] = checkpoints[s];
    at::Tensor next = end;
    for (int64_t k = last - 1; k > first; --k) {
      next = invert(k, next);
      inputs[k - first] = next;
    }
    const at::Tensor recovered_first = invert(first, next);
    const double drift = relative_difference(recovered_first, checkpoints[s]);
    stats.inversion_errors.push_back(drift);
    if (!(drift <= options_.fallback_tol())) {
      torch::NoGradGuard no_grad;
      for (int64_t k = first + 1; k < last; ++k) {
        inputs[k - first] = model.unroll(k - 1, inputs[k - 1 - first], problem);
      }
      ++stats.fallbacks;
    }
    for (int64_t k = last - 1; k >= first; --k) {
      grad = rebuild_unroll(model, k, inputs[k - first], problem).backward(grad);
      inputs[k - first] = at::Tensor();
    }
    end = checkpoints[s];
    checkpoints[s] = at::Tensor();
  }
  result.stats = stats;
  return result;
}

}  // namespace melrecon::mel

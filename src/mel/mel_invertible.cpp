#include "mel/mel_invertible.h"

#include "modl/data_consistency.h"

namespace melrecon::mel {
namespace {

double relative_difference(const at::Tensor& a, const at::Tensor& b) {
  return ((a - b).norm() / b.norm().clamp_min(1e-30)).item<double>();
}

}  // namespace

at::Tensor MelInvertible::invert_unroll(modl::Modl& model, int64_t k, const at::Tensor& next,
                                           const modl::ModlProblem& problem,
                                           StepStats& stats) const {
  torch::NoGradGuard no_grad;
  const at::Tensor lam = model->lambda();
  const at::Tensor denoised =
      (modl::data_consistency_rhs(model->dc_operator(problem), next, lam) - problem.aty) / lam;
  const auto inverse = model->denoiser(k)->invert(denoised, options_.inversion_tol_,
                                                  options_.inversion_max_iters_);
  stats.fixed_point_iterations += inverse.iterations;
  return inverse.x;
}

StepResult MelInvertible::forward_backward(modl::Modl& model, const modl::ModlProblem& problem,
                                           const LossFn& loss) {
  const int64_t n = model->num_unrolls();
  const int64_t m = options_.checkpoint_every_ > 0 ? options_.checkpoint_every_ : n;
  std::vector<at::Tensor> checkpoints;  // x_0, x_M, x_2M, ...
  at::Tensor x = problem.aty;
  {
    torch::NoGradGuard no_grad;
    for (int64_t k = 0; k < n; ++k) {
      if (k % m == 0) checkpoints.push_back(x);
      x = model->unroll(k, x, problem);
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
      next = invert_unroll(model, k, next, problem, result.stats);
      inputs[k - first] = next;
    }
    const at::Tensor recovered_first = invert_unroll(model, first, next, problem, result.stats);
    const double drift = relative_difference(recovered_first, checkpoints[s]);
    result.stats.inversion_errors.push_back(drift);
    if (!(drift <= options_.fallback_tol_)) {
      torch::NoGradGuard no_grad;
      for (int64_t k = first + 1; k < last; ++k) {
        inputs[k - first] = model->unroll(k - 1, inputs[k - 1 - first], problem);
      }
      ++result.stats.fallbacks;
    }
    for (int64_t k = last - 1; k >= first; --k) {
      grad = rebuild_unroll(model, k, inputs[k - first], problem).backward(grad);
      inputs[k - first] = at::Tensor();
    }
    end = checkpoints[s];
    checkpoints[s] = at::Tensor();
  }
  return result;
}

}  // namespace melrecon::mel

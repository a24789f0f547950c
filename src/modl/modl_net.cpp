#include "modl/modl_net.h"

#include <cmath>

#include "core/error.h"
#include "modl/data_consistency.h"

namespace melrecon::modl {

ModlProblem::ModlProblem(mri::SenseOp o, const at::Tensor& kspace)
    : op(std::move(o)), aty(op.adjoint(kspace)) {}

ModlImpl::ModlImpl(ModlOptions options) : options_(std::move(options)) {
  core::check(options_.num_unrolls_ >= 1, "MoDL: num_unrolls must be >= 1, found {}",
              options_.num_unrolls_);
  core::check(options_.lambda_ > 0, "MoDL: lambda must be > 0, found {}", options_.lambda_);
  core::check(options_.cg_iters_ >= 1, "MoDL: cg_iters must be >= 1, found {}",
              options_.cg_iters_);
  core::check(options_.coil_chunk_ >= 0, "MoDL: coil_chunk must be >= 0, found {}",
              options_.coil_chunk_);
  const int64_t count = options_.share_weights_ ? 1 : options_.num_unrolls_;
  for (int64_t i = 0; i < count; ++i) {
    denoisers_.push_back(
        register_module("denoiser" + std::to_string(i), nn::Denoiser(options_.denoiser_)));
  }
  log_lambda_ = torch::full({}, std::log(options_.lambda_));
  if (options_.learn_lambda_) {
    log_lambda_ = register_parameter("log_lambda", log_lambda_);
  } else {
    log_lambda_ = register_buffer("log_lambda", log_lambda_);
  }
}

nn::Denoiser& ModlImpl::denoiser(int64_t k) {
  return denoisers_[options_.share_weights_ ? 0 : k];
}

at::Tensor ModlImpl::lambda() const { return torch::exp(log_lambda_); }

solvers::CgOptions ModlImpl::cg_options() const {
  return solvers::CgOptions().max_iters(options_.cg_iters_).tol(options_.cg_tol_);
}

mri::SenseOp ModlImpl::dc_operator(const ModlProblem& problem) const {
  if (options_.coil_chunk_ == 0) return problem.op;
  return problem.op.with_coil_chunk(options_.coil_chunk_);
}

at::Tensor ModlImpl::unroll(int64_t k, const at::Tensor& x, const ModlProblem& problem,
                              const at::Tensor& known_output) {
  const at::Tensor lam = lambda();
  const at::Tensor rhs = problem.aty + lam * denoiser(k)->forward(x);
  if (known_output.defined()) {
    return data_consistency_known(dc_operator(problem), rhs, lam, cg_options(), known_output);
  }
  return data_consistency(dc_operator(problem), rhs, lam, cg_options());
}

at::Tensor ModlImpl::forward(const ModlProblem& problem) {
  at::Tensor x = problem.aty;
  for (int64_t k = 0; k < options_.num_unrolls_; ++k) x = unroll(k, x, problem);
  return x;
}

void ModlImpl::update_normalisation() {
  for (auto& d : denoisers_) d->update_normalisation();
}

}  // namespace melrecon::modl

#include "modl/modl_net.h"

#include <cmath>

#include "core/error.h"
#include "modl/data_consistency.h"

namespace melrecon::modl {

ModlImpl::ModlImpl(ModlOptions options) : options_(std::move(options)) {
  MELRECON_CHECK(options_.num_unrolls() >= 1, "MoDL: num_unrolls must be >= 1, found {}",
                 options_.num_unrolls());
  MELRECON_CHECK(options_.lambda() > 0, "MoDL: lambda must be > 0, found {}", options_.lambda());
  MELRECON_CHECK(options_.cg_iters() >= 1, "MoDL: cg_iters must be >= 1, found {}",
                 options_.cg_iters());
  MELRECON_CHECK(options_.coil_chunk() >= 0, "MoDL: coil_chunk must be >= 0, found {}",
                 options_.coil_chunk());
  denoisers_ = nn::register_denoisers(*this, "denoiser", options_.denoiser(),
                                      options_.share_weights() ? 1 : options_.num_unrolls());
  log_lambda_ = torch::full({}, std::log(options_.lambda()));
  if (options_.learn_lambda()) {
    log_lambda_ = register_parameter("log_lambda", log_lambda_);
  } else {
    log_lambda_ = register_buffer("log_lambda", log_lambda_);
  }
}

nn::Denoiser& ModlImpl::denoiser(int64_t k) { return denoisers_[options_.share_weights() ? 0 : k]; }

at::Tensor ModlImpl::lambda() const { return torch::exp(log_lambda_); }

solvers::CgOptions ModlImpl::cg_options() const {
  return solvers::CgOptions().max_iters(options_.cg_iters()).tol(options_.cg_tol());
}

mri::SenseOp ModlImpl::dc_operator(const ModlProblem& problem) const {
  if (options_.coil_chunk() == 0) return problem.op;
  return problem.op.with_coil_chunk(options_.coil_chunk());
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

std::string ModlImpl::inversion_unavailable() const {
  const auto& d = options_.denoiser();
  if (d.unet().has_value() || d.cnn().lipschitz() <= 0) {
    return "inverting an unroll needs a contractive CNN: set 'model.lipschitz' (e.g. 0.9)";
  }
  return "";
}

unrolled::Inversion ModlImpl::invert_unroll(int64_t k, const at::Tensor& output,
                                            const ModlProblem& problem,
                                            const unrolled::InversionOptions& options) {
  const std::string why = inversion_unavailable();
  MELRECON_CHECK(why.empty(), "MoDL: {}", why);
  torch::NoGradGuard no_grad;
  const at::Tensor lam = lambda();
  const at::Tensor denoised =
      (data_consistency_rhs(dc_operator(problem), output, lam) - problem.aty) / lam;
  const auto inverse = denoiser(k)->invert(denoised, options.tol(), options.max_iters());
  return {inverse.x, inverse.iterations, inverse.relative_change};
}

void ModlImpl::update_normalisation() {
  for (auto& d : denoisers_) d->update_normalisation();
}

}  // namespace melrecon::modl

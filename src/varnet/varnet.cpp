#include "varnet/varnet.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/error.h"
#include "core/fixed_point.h"

namespace melrecon::varnet {

VarNetImpl::VarNetImpl(VarNetOptions options) : options_(std::move(options)) {
  MELRECON_CHECK(options_.num_unrolls() >= 1, "VarNet: num_unrolls must be >= 1, found {}",
                 options_.num_unrolls());
  MELRECON_CHECK(options_.step_size() > 0, "VarNet: step_size must be > 0, found {}",
                 options_.step_size());
  MELRECON_CHECK(options_.coil_chunk() >= 0, "VarNet: coil_chunk must be >= 0, found {}",
                 options_.coil_chunk());
  regularisers_ = nn::register_denoisers(*this, "regulariser", options_.regulariser(),
                                         options_.share_weights() ? 1 : options_.num_unrolls());
  log_step_ = register_parameter(
      "log_step", torch::full({options_.num_unrolls()}, std::log(options_.step_size())));
}

nn::Denoiser& VarNetImpl::regulariser(int64_t k) {
  return regularisers_[options_.share_weights() ? 0 : k];
}

at::Tensor VarNetImpl::step_sizes() const { return at::exp(log_step_); }

mri::SenseOp VarNetImpl::gradient_operator(const unrolled::Problem& problem) const {
  if (options_.coil_chunk() == 0) return problem.op;
  return problem.op.with_coil_chunk(options_.coil_chunk());
}

at::Tensor VarNetImpl::initial(const unrolled::Problem& problem) {
  if (options_.initial() == Initial::aty) return problem.aty;
  torch::NoGradGuard no_grad;
  const mri::SenseOp op = gradient_operator(problem);
  const double lambda = options_.initial_lambda();
  const auto normal = [&](const at::Tensor& x) { return op.normal(x) + lambda * x; };
  return solvers::conjugate_gradient(normal, problem.aty,
                                     solvers::CgOptions().max_iters(options_.initial_cg_iters()))
      .x;
}

at::Tensor VarNetImpl::unroll(int64_t k, const at::Tensor& x, const unrolled::Problem& problem,
                              const at::Tensor& /*known_output: nothing to skip*/) {
  const at::Tensor eta = at::exp(log_step_.select(0, k)).to(c10::toRealValueType(x.scalar_type()));
  const at::Tensor gradient = gradient_operator(problem).normal(x) - problem.aty;
  return x - eta * gradient - regulariser(k)->residual(x);
}

std::string VarNetImpl::inversion_unavailable() const {
  const auto& r = options_.regulariser();
  if (r.unet().has_value() || r.cnn().lipschitz() <= 0) {
    return "inverting an unroll needs a contractive CNN: set 'model.lipschitz' (e.g. 0.5) and a "
           "step size with step x |AᴴA| + lipschitz < 1";
  }
  return "";
}

unrolled::Inversion VarNetImpl::invert_unroll(int64_t k, const at::Tensor& output,
                                              const unrolled::Problem& problem,
                                              const unrolled::InversionOptions& options) {
  const std::string why = inversion_unavailable();
  MELRECON_CHECK(why.empty(), "VarNet: {}", why);
  torch::NoGradGuard no_grad;
  const mri::SenseOp op = gradient_operator(problem);
  const double eta = at::exp(log_step_.select(0, k)).item<double>();
  const double mask = op.mask().defined() ? op.mask().abs().max().item<double>() : 1.0;
  const double rss = op.max_coil_rss();
  const double rate = eta * mask * mask * rss * rss + regulariser(k)->lipschitz_upper_bound();
  MELRECON_CHECK(
      rate < 1,
      "VarNet unroll {} is not contractive: step {:.3g} x |AᴴA| {:.3g} + Lip(R) {:.3g} = "
      "{:.3g} >= 1, so mel-invertible cannot invert it (use mel)",
      k, eta, mask * mask * rss * rss, regulariser(k)->lipschitz_upper_bound(), rate);
  // z ← x_{k+1} + η·(AᴴA z − Aᴴy) + R(z), from z = x_{k+1}.
  const auto map = [&](const at::Tensor& z) {
    return output + eta * (op.normal(z) - problem.aty) + regulariser(k)->residual(z);
  };
  const core::FixedPoint r = core::fixed_point(map, output, options.tol(), options.max_iters());
  return {r.x, r.iterations, r.relative_change};
}

void VarNetImpl::update_normalisation() {
  for (auto& r : regularisers_) r->update_normalisation();
}

}  // namespace melrecon::varnet

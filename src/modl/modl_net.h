// MoDL (Aggarwal et al. 2018): x_{k+1} = (AᴴA + λI)⁻¹ (Aᴴy + λ·D_w(x_k)), x_0 = Aᴴy,
// N unrolls, one denoiser shared by all unrolls (or one per unroll), λ > 0 learned.
#pragma once

#include <torch/arg.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>

#include "mri/sense_op.h"
#include "nn/denoiser.h"
#include "solvers/conjugate_gradient.h"
#include "unrolled/unrolled_model.h"

namespace melrecon::modl {

// The defaults are also the training configuration's (train/train_config.h reads them here).
struct ModlOptions {
  TORCH_ARG(int64_t, num_unrolls) = 5;
  TORCH_ARG(int64_t, cg_iters) = 8;
  TORCH_ARG(double, cg_tol) = 0.0;  // > 0: stop CG early at this relative residual
  TORCH_ARG(double, lambda) = 0.05;
  TORCH_ARG(bool, learn_lambda) = true;
  TORCH_ARG(bool, share_weights) = true;
  TORCH_ARG(nn::DenoiserOptions, denoiser);
  // Coils per chunk in data consistency (its CG, its backward, the MEL inversion): at most this
  // many coil images exist at a time. 0: the problem operator's own setting.
  TORCH_ARG(int64_t, coil_chunk) = 0;
};

// One batch's data: the operator and Aᴴy (which is also MoDL's x_0).
using ModlProblem = unrolled::Problem;

class ModlImpl : public torch::nn::Module, public unrolled::UnrolledModel {
 public:
  explicit ModlImpl(ModlOptions options);

  torch::nn::Module& module() override { return *this; }
  const char* arch() const override { return "modl"; }
  at::Tensor initial(const ModlProblem& problem) override { return problem.aty; }
  // Unroll k (0-based): x_{k+1} from x_k. Differentiable w.r.t. x_k, λ and the weights.
  // `known_output`: x_{k+1} when already computed (by this model, in this step): data
  // consistency then skips its CG solve and only its backward runs one (what MEL's recompute
  // of an unroll needs).
  at::Tensor unroll(int64_t k, const at::Tensor& x, const ModlProblem& problem,
                    const at::Tensor& known_output = {}) override;
  // All unrolls from x_0 = Aᴴy (plain autograd when grad mode is on).
  at::Tensor forward(const ModlProblem& problem) { return forward_all(problem); }
  // Data consistency inverted exactly (b = ((AᴴA+λI)x_{k+1} − Aᴴy)/λ), then the denoiser by the
  // fixed point z ← b − R_w(z), which converges when R_w is a contraction (model.lipschitz).
  std::string inversion_unavailable() const override;
  unrolled::Inversion invert_unroll(int64_t k, const at::Tensor& output, const ModlProblem& problem,
                                    const unrolled::InversionOptions& options) override;

  nn::Denoiser& denoiser(int64_t k);
  at::Tensor lambda() const;  // λ = exp(log λ) > 0
  std::vector<std::pair<std::string, double>> scalars() const override {
    return {{"lambda", lambda().item<double>()}};
  }
  // Refreshes the denoisers' Lipschitz normalisation; call once per training step, before
  // the forward pass, never between an unroll and its recomputation.
  void update_normalisation() override;
  int64_t num_unrolls() const override { return options_.num_unrolls(); }
  const ModlOptions& options() const { return options_; }
  solvers::CgOptions cg_options() const;
  // The operator data consistency uses: the problem's, with this model's coil chunk.
  mri::SenseOp dc_operator(const ModlProblem& problem) const;

 private:
  ModlOptions options_;
  std::vector<nn::Denoiser> denoisers_;
  at::Tensor log_lambda_;
};
TORCH_MODULE(Modl);

}  // namespace melrecon::modl

// The variational network in image space (Hammernik et al. 2018; the unrolled gradient scheme of
// Sriram et al.'s end-to-end VarNet): x_{k+1} = x_k − η_k·Aᴴ(A x_k − y) − R_k(x_k), k < N, with
// learned step sizes η_k = exp(log η_k) > 0 and R_k the residual network of nn/denoiser.h (CNN
// 2D / 3D / (2+1)D or U-Net), one shared by all unrolls or one per unroll. x_0 = Aᴴy, or a
// CG-SENSE solve (AᴴA + λ₀I)x = Aᴴy that has no parameters.
//
// Inversion (mel-invertible): x_k is the fixed point of z ↦ x_{k+1} + η_k·(AᴴA z − Aᴴy) + R_k(z),
// a contraction when η_k·‖AᴴA‖ + Lip(R_k) < 1 (‖AᴴA‖ ≤ (max|M|·max RSS of S)²; Lip(R_k) ≤ the
// CNN's `lipschitz` bound). Unrolls where that does not hold are refused with the numbers.
#pragma once

#include <torch/arg.h>
#include <torch/nn/module.h>

#include <string>
#include <vector>

#include "core/choices.h"
#include "nn/denoiser.h"
#include "solvers/conjugate_gradient.h"
#include "unrolled/unrolled_model.h"

namespace melrecon::varnet {

enum class Initial { aty, cg_sense };
constexpr core::Choices<Initial, 2> choices(Initial) {
  return {"VarNet start", {{{Initial::aty, "aty"}, {Initial::cg_sense, "cg-sense"}}}};
}

struct VarNetOptions {
  TORCH_ARG(int64_t, num_unrolls) = 5;
  TORCH_ARG(double, step_size) = 1.0;           // η_k at initialisation (every k)
  TORCH_ARG(bool, share_weights) = true;        // one R for all unrolls (η_k stays per unroll)
  TORCH_ARG(nn::DenoiserOptions, regulariser);  // R_k = its R_w
  TORCH_ARG(Initial, initial) = Initial::aty;
  TORCH_ARG(double, initial_lambda) = 0.05;  // cg-sense start: λ₀ and iterations
  TORCH_ARG(int64_t, initial_cg_iters) = 8;
  TORCH_ARG(int64_t, coil_chunk) = 0;  // coils per chunk in AᴴA (0: the problem operator's own)
};

class VarNetImpl : public torch::nn::Module, public unrolled::UnrolledModel {
 public:
  explicit VarNetImpl(VarNetOptions options);

  torch::nn::Module& module() override { return *this; }
  const char* arch() const override { return "varnet"; }
  int64_t num_unrolls() const override { return options_.num_unrolls(); }
  at::Tensor initial(const unrolled::Problem& problem) override;
  at::Tensor unroll(int64_t k, const at::Tensor& x, const unrolled::Problem& problem,
                    const at::Tensor& known_output = {}) override;
  std::string inversion_unavailable() const override;
  unrolled::Inversion invert_unroll(int64_t k, const at::Tensor& output,
                                    const unrolled::Problem& problem,
                                    const unrolled::InversionOptions& options) override;
  void update_normalisation() override;
  std::vector<std::pair<std::string, double>> scalars() const override {
    return {{"step_mean", step_sizes().mean().item<double>()}};
  }

  at::Tensor step_sizes() const;  // η, [N]
  nn::Denoiser& regulariser(int64_t k);
  const VarNetOptions& options() const { return options_; }

 private:
  mri::SenseOp gradient_operator(const unrolled::Problem& problem) const;

  VarNetOptions options_;
  std::vector<nn::Denoiser> regularisers_;
  at::Tensor log_step_;
};
TORCH_MODULE(VarNet);

}  // namespace melrecon::varnet

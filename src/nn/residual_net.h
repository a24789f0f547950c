// What the denoiser D_w = I + R_w needs from its network R_w: a map from [B, 2, *S] real
// tensors to tensors of the same shape. Implemented by the plain CNN (nn/residual_cnn.h) and the
// small U-Net (nn/unet.h).
#pragma once

#include <torch/nn/module.h>

namespace melrecon::nn {

class ResidualNet : public torch::nn::Module {
 public:
  virtual at::Tensor forward(const at::Tensor& x) = 0;  // R_w(x), same shape as x
  virtual int64_t spatial_rank() const = 0;             // 2 or 3
  // Refreshes whatever bounds the network's Lipschitz constant (once per training step).
  virtual void update_normalisation() {}
  // An upper bound of R_w's Lipschitz constant (infinity when nothing bounds it).
  virtual double lipschitz_upper_bound() const = 0;
};

}  // namespace melrecon::nn

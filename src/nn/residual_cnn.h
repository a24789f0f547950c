// R_w of the MoDL denoiser D_w(x) = x + R_w(x): a plain CNN on [B, channels, *S] real tensors,
// L convolutions with F features, ReLU between them, no batch norm (MoDL's released 3D config:
// 5 layers, 64 features, 3x3x3). Kinds:
//   conv2d   3x3 kernels over [Y, X]
//   conv3d   3x3x3 kernels over [Z|T, Y, X]
//   conv2p1d a (2+1)D layer: 1x3x3 spatial conv, ReLU, 3x1x1 temporal conv (for cine)
// With `lipschitz(c)` (0 < c) every convolution is bounded so that the whole network is
// c-Lipschitz (ReLU is 1-Lipschitz): D_w is then invertible by fixed-point iteration when c < 1.
// With `compute_dtype(bfloat16 | float16)` the network runs in that dtype (mixed precision,
// autocast-style): its input and its weights are cast inside the forward by differentiable
// casts, its output is cast back to the input's dtype; the parameters and their gradients stay
// in the model's dtype.
#pragma once

#include <c10/core/ScalarType.h>
#include <torch/arg.h>
#include <torch/nn/modules/container/modulelist.h>

#include <optional>
#include <string>
#include <vector>

#include "core/choices.h"
#include "nn/network_body.h"
#include "nn/residual_net.h"

namespace melrecon::nn {

enum class ConvKind { conv2d, conv3d, conv2p1d };
constexpr core::Choices<ConvKind, 3> choices(ConvKind) {
  return {"convolution kind",
          {{{ConvKind::conv2d, "2d"}, {ConvKind::conv3d, "3d"}, {ConvKind::conv2p1d, "2+1d"}}}};
}

struct ResidualCnnOptions {
  TORCH_ARG(ConvKind, kind) = ConvKind::conv2d;
  TORCH_ARG(int64_t, num_layers) = 5;
  TORCH_ARG(int64_t, features) = 64;
  TORCH_ARG(int64_t, kernel_size) = 3;
  TORCH_ARG(int64_t, channels) = 2;  // real and imaginary part
  TORCH_ARG(bool, replicate_padding) = false;
  // Per layer, the spacing of the kernels' Z|T taps (3D and (2+1)D kinds); empty: all 1. Growing
  // dilations (1, 2, 4, ...) let one pass see a whole cardiac cycle.
  TORCH_ARG(std::vector<int64_t>, depth_dilation);
  // Z|T padded cyclically (3D and (2+1)D kinds): a cine's frames cover one heartbeat, so its
  // last frame neighbours its first. In-plane axes keep `replicate_padding`'s choice.
  TORCH_ARG(bool, cyclic_depth) = false;
  TORCH_ARG(double, lipschitz) = 0.0;  // 0: unconstrained; < 1 makes D_w = I + R_w invertible
  // Unset: the input's dtype. float16 needs a CUDA device (no CPU half convolutions).
  TORCH_ARG(std::optional<c10::ScalarType>, compute_dtype);
  TORCH_ARG(Conv3dPath, conv3d_path) = Conv3dPath::automatic;  // 3D and (2+1)D kernels
};

class ResidualCnnImpl : public ResidualNet {
 public:
  explicit ResidualCnnImpl(ResidualCnnOptions options);
  at::Tensor forward(const at::Tensor& x) override;  // R_w(x), same shape as x
  void update_normalisation() override;
  // Product of the convolutions' bounds: an upper bound of R_w's Lipschitz constant.
  double lipschitz_upper_bound() const override;
  const ResidualCnnOptions& options() const { return options_; }
  int64_t spatial_rank() const override { return options_.kind() == ConvKind::conv2d ? 2 : 3; }
  // Per spatial axis, how far an output depends on inputs: Σ over the convolutions of
  // dilation · kernel/2 (layers × kernel/2 for undilated 2D and 3D; per axis for (2+1)D, whose
  // spatial and temporal kernels differ).
  std::vector<int64_t> receptive_radius() const;

 private:
  ResidualCnnOptions options_;
  torch::nn::ModuleList convs_;
  int64_t convs_per_layer_ = 1;
};
TORCH_MODULE(ResidualCnn);

// Whether a `depth_dilation` list spaces any layer's Z|T taps (a value above 1).
bool any_depth_dilation(const std::vector<int64_t>& depth_dilation);

}  // namespace melrecon::nn

// A small U-Net for R_w (Ronneberger et al. 2015, as in the fastMRI baselines, without batch
// norm): at each of `levels` resolutions two 3x3 (3x3x3) convolutions with ReLU, average-pooling
// by 2 between levels, a bottleneck, then nearest-neighbour upsampling, concatenation with the
// skip connection and two convolutions per level, and a final 1x1 convolution back to the
// image's channels. Features double per level from `features`.
//
// Inputs of any size: each image axis is zero-padded at its end to a multiple of 2^levels and
// the output cropped back. 3D on the CPU runs depth-major (nn/depth_major_conv.h) like the plain
// CNN. With `compute_dtype` it runs in bfloat16 / float16 with float32 parameters, as the CNN.
// Not supported: a Lipschitz bound (so not mel-invertible) and tiling (pooling ties outputs to
// a grid the cuts would have to respect).
#pragma once

#include <c10/core/ScalarType.h>
#include <torch/arg.h>
#include <torch/nn/modules/container/modulelist.h>

#include <optional>

#include "nn/network_body.h"
#include "nn/residual_net.h"

namespace melrecon::nn {

struct UNetOptions {
  TORCH_ARG(int64_t, spatial_rank) = 2;  // 2: [Y, X]; 3: [Z|T, Y, X]
  TORCH_ARG(int64_t, levels) = 2;        // poolings; the bottleneck runs at 1/2^levels resolution
  TORCH_ARG(int64_t, features) = 32;     // at full resolution; doubled per level
  TORCH_ARG(int64_t, channels) = 2;
  TORCH_ARG(bool,
            replicate_padding) = false;  // of the convolutions (the size padding is always zeros)
  TORCH_ARG(std::optional<c10::ScalarType>, compute_dtype);
  TORCH_ARG(Conv3dPath, conv3d_path) = Conv3dPath::automatic;
};

class UNetImpl : public ResidualNet {
 public:
  explicit UNetImpl(UNetOptions options);
  at::Tensor forward(const at::Tensor& x) override;
  int64_t spatial_rank() const override { return options_.spatial_rank(); }
  double lipschitz_upper_bound() const override;
  const UNetOptions& options() const { return options_; }

 private:
  // The layers on the compute-dtype input; depth-major layout on the CPU for 3D (network_body.h).
  at::Tensor body(const at::Tensor& input, bool depth_major);

  UNetOptions options_;
  torch::nn::ModuleList convs_;  // encoder, bottleneck, decoder (two per block), final 1x1
};
TORCH_MODULE(UNet);

}  // namespace melrecon::nn

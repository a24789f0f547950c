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
#include <torch/nn/modules/container/modulelist.h>

#include <optional>

#include "nn/network_body.h"
#include "nn/residual_net.h"

namespace melrecon::nn {

struct UNetOptions {
  UNetOptions& spatial_rank(int64_t r) {
    spatial_rank_ = r;
    return *this;
  }
  UNetOptions& levels(int64_t n) {
    levels_ = n;
    return *this;
  }
  UNetOptions& features(int64_t f) {
    features_ = f;
    return *this;
  }
  UNetOptions& channels(int64_t c) {
    channels_ = c;
    return *this;
  }
  UNetOptions& replicate_padding(bool on) {
    replicate_padding_ = on;
    return *this;
  }
  UNetOptions& compute_dtype(std::optional<c10::ScalarType> dtype) {
    compute_dtype_ = dtype;
    return *this;
  }
  UNetOptions& conv3d_path(Conv3dPath p) {
    conv3d_path_ = p;
    return *this;
  }
  int64_t spatial_rank_ = 2;  // 2: [Y, X]; 3: [Z|T, Y, X]
  int64_t levels_ = 2;        // poolings; the bottleneck runs at 1/2^levels resolution
  int64_t features_ = 32;     // at full resolution; doubled per level
  int64_t channels_ = 2;
  bool replicate_padding_ = false;  // of the convolutions (the size padding is always zeros)
  std::optional<c10::ScalarType> compute_dtype_;
  Conv3dPath conv3d_path_ = Conv3dPath::automatic;
};

class UNetImpl : public ResidualNet {
 public:
  explicit UNetImpl(UNetOptions options);
  at::Tensor forward(const at::Tensor& x) override;
  int64_t spatial_rank() const override { return options_.spatial_rank_; }
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

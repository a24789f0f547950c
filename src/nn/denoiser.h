// The MoDL denoiser on complex images: D_w(x) = x + R_w(x), with R_w a CNN on the two real
// channels of x. Images [B, *S]: a 2D CNN on [B, Y, X]; a 3D or (2+1)D CNN on [B, Z|T, Y, X];
// or, with `slice_wise`, a 2D CNN applied to every slice/frame of 3D or cine data (the 2D
// baseline the paper compares against).
//
// With `unet` R_w is a small U-Net (nn/unet.h) instead of the plain CNN; the CNN options then
// only give its dims (2D or 3D) and nothing else (no tiling, no Lipschitz bound).
//
// With `tile` the CNN runs in overlapping tiles (nn/tiled_apply.h): activation memory is then
// bounded by a tile plus its halo (the CNN's receptive-field radius), in the forward and in the
// backward, and results equal the untiled CNN's up to float round-off.
#pragma once

#include <torch/arg.h>
#include <torch/nn/module.h>

#include <memory>
#include <string>
#include <vector>

#include "core/fixed_point.h"
#include "nn/residual_cnn.h"
#include "nn/tiled_apply.h"
#include "nn/unet.h"

namespace melrecon::nn {

struct DenoiserOptions {
  TORCH_ARG(ResidualCnnOptions, cnn);
  // Set: R_w a U-Net instead of the plain CNN; its spatial rank follows the CNN kind (2d or 3d).
  TORCH_ARG(std::optional<UNetOptions>, unet);
  TORCH_ARG(bool, slice_wise) = false;
  // Tile size per spatial axis of the image ([Y, X] or [Z|T, Y, X]); 0 or empty: not tiled.
  // Slice-wise, the Z|T entry groups slices (which need no halo).
  TORCH_ARG(std::vector<int64_t>, tile);
};

class DenoiserImpl : public torch::nn::Module {
 public:
  explicit DenoiserImpl(DenoiserOptions options);
  at::Tensor forward(const at::Tensor& x);   // x + R_w(x)
  at::Tensor residual(const at::Tensor& x);  // R_w(x), complex like x
  // Solves z + R_w(z) = b by the fixed-point iteration z ← b − R_w(z) (no grad). Converges
  // linearly with rate Lip(R_w) when R_w is a contraction (lipschitz < 1).
  core::FixedPoint invert(const at::Tensor& b, double tol, int64_t max_iters);
  void update_normalisation() { net_->update_normalisation(); }
  double lipschitz_upper_bound() const { return net_->lipschitz_upper_bound(); }
  const DenoiserOptions& options() const { return options_; }
  // The dims of the CNN's input [N, 2, *s] that are cut, with their halos (empty: untiled).
  const std::vector<TileDim>& tile_dims() const { return tile_dims_; }

 private:
  at::Tensor cnn_output(const at::Tensor& channels);  // R_w on [N, 2, *s], tiled or not

  DenoiserOptions options_;
  std::shared_ptr<ResidualNet> net_;  // registered as "cnn" (checkpoints name it so)
  std::vector<TileDim> tile_dims_;
};
TORCH_MODULE(Denoiser);

// `count` denoisers registered in `owner` as <prefix>0, <prefix>1, ... (one shared by all
// unrolls, or one per unroll).
std::vector<Denoiser> register_denoisers(torch::nn::Module& owner, const std::string& prefix,
                                         const DenoiserOptions& options, int64_t count);

}  // namespace melrecon::nn

#include "nn/denoiser.h"

#include "core/complex_views.h"
#include "core/error.h"
#include "core/tensor_checks.h"

namespace melrecon::nn {

DenoiserImpl::DenoiserImpl(DenoiserOptions options) : options_(options) {
  const ConvKind kind = options_.cnn().kind();
  MELRECON_CHECK(!options_.slice_wise() || kind == ConvKind::conv2d,
                 "denoiser: slice-wise application needs a 2D CNN");
  const auto& tile = options_.tile();
  std::vector<int64_t> radius;
  if (options_.unet()) {
    MELRECON_CHECK(kind != ConvKind::conv2p1d,
                   "denoiser: the U-Net has 2D or 3D convolutions, not 2+1d");
    MELRECON_CHECK(tile.empty(), "denoiser: the U-Net cannot be tiled (unset the tile sizes)");
    MELRECON_CHECK(options_.cnn().lipschitz() <= 0,
                   "denoiser: the U-Net has no Lipschitz bound (needed by mel-invertible)");
    MELRECON_CHECK(!options_.cnn().cyclic_depth() && options_.cnn().depth_dilation().empty(),
                   "denoiser: the U-Net has no depth dilations or cyclic depth padding");
    UNetOptions unet = *options_.unet();
    unet.spatial_rank(kind == ConvKind::conv2d ? 2 : 3);
    net_ = register_module("cnn", std::make_shared<UNetImpl>(unet));
  } else {
    auto cnn = std::make_shared<ResidualCnnImpl>(options_.cnn());
    radius = cnn->receptive_radius();
    net_ = register_module("cnn", std::move(cnn));
  }
  const int64_t rank = options_.slice_wise() ? 3 : net_->spatial_rank();
  MELRECON_CHECK(tile.empty() || static_cast<int64_t>(tile.size()) == rank,
                 "denoiser: tile needs {} sizes (one per image axis), found {}", rank, tile.size());
  for (size_t a = 0; a < tile.size(); ++a) {
    MELRECON_CHECK(tile[a] >= 0, "denoiser: tile sizes must be >= 0, found {}", tile[a]);
    if (tile[a] == 0) continue;
    // A tile's halo at the series' ends would need the slices of the other end.
    MELRECON_CHECK(
        a != 0 || !options_.cnn().cyclic_depth(),
        "denoiser: with cyclic depth padding the Z|T axis cannot be tiled (tile 0 there)");
    if (options_.slice_wise()) {
      // The CNN sees [B·Z, 2, Y, X]: image axis 0 is the batch of slices, the others shift by 1.
      tile_dims_.push_back(a == 0 ? TileDim{0, tile[a], 0}
                                  : TileDim{static_cast<int64_t>(a) + 1, tile[a], radius[a - 1]});
    } else {
      tile_dims_.push_back({static_cast<int64_t>(a) + 2, tile[a], radius[a]});
    }
  }
}

at::Tensor DenoiserImpl::cnn_output(const at::Tensor& channels) {
  if (tile_dims_.empty()) return net_->forward(channels);
  return tiled_apply([net = net_](const at::Tensor& t) { return net->forward(t); }, channels,
                     net_->parameters(), tile_dims_);
}

at::Tensor DenoiserImpl::residual(const at::Tensor& x) {
  const int64_t rank = net_->spatial_rank();
  if (options_.slice_wise()) {
    MELRECON_CHECK(x.dim() == 4, "denoiser: slice-wise needs images [B, Z|T, Y, X], found {}",
                   core::shape_string(x.sizes()));
    const auto shape = x.sizes().vec();
    const at::Tensor slices = x.reshape({shape[0] * shape[1], shape[2], shape[3]});
    return core::channels_to_complex(cnn_output(core::complex_to_channels(slices))).reshape(shape);
  }
  MELRECON_CHECK(x.dim() == rank + 1,
                 "denoiser: a {}D network needs images of rank {}, found shape {}", rank, rank + 1,
                 core::shape_string(x.sizes()));
  return core::channels_to_complex(cnn_output(core::complex_to_channels(x)));
}

at::Tensor DenoiserImpl::forward(const at::Tensor& x) { return x + residual(x); }

core::FixedPoint DenoiserImpl::invert(const at::Tensor& b, double tol, int64_t max_iters) {
  return core::fixed_point([&](const at::Tensor& z) { return b - residual(z); }, b, tol, max_iters);
}

std::vector<Denoiser> register_denoisers(torch::nn::Module& owner, const std::string& prefix,
                                         const DenoiserOptions& options, int64_t count) {
  std::vector<Denoiser> out;
  for (int64_t i = 0; i < count; ++i) {
    out.push_back(owner.register_module(prefix + std::to_string(i), Denoiser(options)));
  }
  return out;
}

}  // namespace melrecon::nn

#include "nn/denoiser.h"

#include <limits>

#include "core/complex_views.h"
#include "core/error.h"
#include "core/tensor_checks.h"

namespace melrecon::nn {

DenoiserImpl::DenoiserImpl(DenoiserOptions options) : options_(options) {
  core::check(!options_.slice_wise_ || options_.cnn_.kind_ == ConvKind::conv2d,
              "denoiser: slice-wise application needs a 2D CNN");
  cnn_ = register_module("cnn", ResidualCnn(options_.cnn_));
  const auto& tile = options_.tile_;
  const int64_t rank = options_.slice_wise_ ? 3 : cnn_->spatial_rank();
  core::check(tile.empty() || static_cast<int64_t>(tile.size()) == rank,
              "denoiser: tile needs {} sizes (one per image axis), found {}", rank, tile.size());
  const std::vector<int64_t> radius = cnn_->receptive_radius();
  for (size_t a = 0; a < tile.size(); ++a) {
    core::check(tile[a] >= 0, "denoiser: tile sizes must be >= 0, found {}", tile[a]);
    if (tile[a] == 0) continue;
    if (options_.slice_wise_) {
      // The CNN sees [B·Z, 2, Y, X]: image axis 0 is the batch of slices, the others shift by 1.
      tile_dims_.push_back(a == 0 ? TileDim{0, tile[a], 0}
                                  : TileDim{static_cast<int64_t>(a) + 1, tile[a], radius[a - 1]});
    } else {
      tile_dims_.push_back({static_cast<int64_t>(a) + 2, tile[a], radius[a]});
    }
  }
}

torch::Tensor DenoiserImpl::cnn_output(const torch::Tensor& channels) {
  if (tile_dims_.empty()) return cnn_->forward(channels);
  return tiled_apply([cnn = cnn_](const at::Tensor& t) mutable { return cnn->forward(t); },
                     channels, cnn_->parameters(), tile_dims_);
}

torch::Tensor DenoiserImpl::residual(const torch::Tensor& x) {
  const int64_t rank = cnn_->spatial_rank();
  if (options_.slice_wise_) {
    core::check(x.dim() == 4, "denoiser: slice-wise needs images [B, Z|T, Y, X], found {}",
                core::shape_string(x.sizes()));
    const auto shape = x.sizes().vec();
    const torch::Tensor slices = x.reshape({shape[0] * shape[1], shape[2], shape[3]});
    return core::channels_to_complex(cnn_output(core::complex_to_channels(slices))).reshape(shape);
  }
  core::check(x.dim() == rank + 1, "denoiser: a {} CNN needs images of rank {}, found shape {}",
              to_string(options_.cnn_.kind_), rank + 1, core::shape_string(x.sizes()));
  return core::channels_to_complex(cnn_output(core::complex_to_channels(x)));
}

torch::Tensor DenoiserImpl::forward(const torch::Tensor& x) { return x + residual(x); }

InversionResult DenoiserImpl::invert(const torch::Tensor& b, double tol, int64_t max_iters) {
  torch::NoGradGuard no_grad;
  // Round-off bounds what the iteration can reach: no tolerance below a few ulps of the dtype.
  const double eps = b.is_complex() && c10::toRealValueType(b.scalar_type()) == torch::kDouble
                         ? std::numeric_limits<double>::epsilon()
                         : std::numeric_limits<float>::epsilon();
  const double target = std::max(tol, 8 * eps);
  InversionResult r;
  r.x = b;
  double previous = std::numeric_limits<double>::infinity();
  while (r.iterations < max_iters) {
    const torch::Tensor next = b - residual(r.x);
    ++r.iterations;
    r.relative_change = ((next - r.x).norm() / next.norm().clamp_min(1e-30)).item<double>();
    r.x = next;
    // Converged, or stagnating at round-off (a contraction's steps shrink until then).
    if (r.relative_change <= target || r.relative_change >= previous) break;
    previous = r.relative_change;
  }
  return r;
}

}  // namespace melrecon::nn

#include "nn/depth_major_conv.h"

#include <ATen/ATen.h>

#include "nn/replicate_pad.h"

namespace melrecon::nn {
namespace {

// Pads Z (dim 1) by `p` on both sides: zeros, or copies of the edge slices.
at::Tensor pad_depth(const at::Tensor& x, int64_t p, bool replicate) {
  if (p == 0) return x;
  if (replicate) return replicate_pad(x, 1, p);
  return at::constant_pad_nd(x, {0, 0, 0, 0, 0, 0, p, p});  // dims X, Y, C, Z
}

}  // namespace

at::Tensor conv3d_depth_major(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                              bool replicate_padding) {
  const int64_t b = x.size(0), z = x.size(1), c = x.size(2), h = x.size(3), w = x.size(4);
  const int64_t f = weight.size(0), kz = weight.size(2), ky = weight.size(3), kx = weight.size(4);
  const at::Tensor padded = pad_depth(x, kz / 2, replicate_padding);
  at::Tensor out;
  for (int64_t dz = 0; dz < kz; ++dz) {
    at::Tensor slices = padded.narrow(1, dz, z).reshape({b * z, c, h, w});
    std::vector<int64_t> padding{ky / 2, kx / 2};
    if (replicate_padding && (ky > 1 || kx > 1)) {
      slices = replicate_pad(replicate_pad(slices, 2, ky / 2), 3, kx / 2);
      padding = {0, 0};
    }
    const at::Tensor term =
        at::conv2d(slices, weight.select(2, dz), dz == 0 ? bias : at::Tensor(), 1, padding);
    out = out.defined() ? out.add_(term) : term;
  }
  return out.reshape({b, z, f, h, w});
}

}  // namespace melrecon::nn

#include "nn/depth_major_conv.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "nn/replicate_pad.h"

namespace melrecon::nn {
namespace {

// Adds the contribution of a Z-shifted input to `out` [B, Z, F, Y, X]: output slice o receives
// slice o + s of `term` (the 2D convolution of every input slice with one depth tap of the
// kernel). Outside the volume, zero padding contributes nothing and replicate padding reads the
// edge slice.
void add_shifted(at::Tensor& out, const at::Tensor& term, int64_t s, bool replicate) {
  const int64_t z = out.size(1);
  const int64_t lo = std::min(z, std::max<int64_t>(0, -s));  // outputs before the first input
  const int64_t hi = std::min(z, std::max<int64_t>(0, s));    // outputs after the last input
  const int64_t n = z - lo - hi;
  if (n > 0) out.narrow(1, lo, n).add_(term.narrow(1, lo + s, n));
  if (!replicate) return;
  if (lo > 0) out.narrow(1, 0, lo).add_(term.narrow(1, 0, 1));
  if (hi > 0) out.narrow(1, z - hi, hi).add_(term.narrow(1, z - 1, 1));
}

}  // namespace

at::Tensor conv3d_depth_major(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                              bool replicate_padding) {
  const int64_t b = x.size(0), z = x.size(1), c = x.size(2), h = x.size(3), w = x.size(4);
  const int64_t f = weight.size(0), kz = weight.size(2), ky = weight.size(3), kx = weight.size(4);
  // All B·Z slices as one batch of 2D images: a view, so autograd keeps no padded copy (the
  // depth taps are applied by shifting the outputs instead of padding the input).
  at::Tensor slices = x.reshape({b * z, c, h, w});
  std::vector<int64_t> padding{ky / 2, kx / 2};
  if (replicate_padding && (ky > 1 || kx > 1)) {
    slices = replicate_pad(replicate_pad(slices, 2, ky / 2), 3, kx / 2);
    padding = {0, 0};
  }
  auto tap = [&](int64_t dz, const at::Tensor& tap_bias) {
    return at::conv2d(slices, weight.select(2, dz), tap_bias, 1, padding).reshape({b, z, f, h, w});
  };
  at::Tensor out = tap(kz / 2, bias);
  for (int64_t dz = 0; dz < kz; ++dz) {
    if (dz != kz / 2) add_shifted(out, tap(dz, at::Tensor()), dz - kz / 2, replicate_padding);
  }
  return out;
}

}  // namespace melrecon::nn

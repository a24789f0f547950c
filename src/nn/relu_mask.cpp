#include "nn/relu_mask.h"

#include <ATen/ATen.h>

#include <algorithm>

namespace melrecon::nn {
namespace {

// 1, 2, 4, ..., 128, made on the device: a copy from the host would wait for the GPU each call.
at::Tensor bit_values(const at::Device& device) {
  const auto options = at::TensorOptions(at::kByte).device(device);
  return at::ones({8}, options).bitwise_left_shift(at::arange(8, options));
}

// Slices per packing pass: the byte-per-element temporaries stay a small part of `out`.
constexpr int64_t kSlicesPerPass = 4;

}  // namespace

at::Tensor pack_positive(const at::Tensor& out) {
  const int64_t b = out.size(0), z = out.size(1), n = out.numel() / std::max<int64_t>(1, b * z);
  const int64_t bytes = (n + 7) / 8;
  at::Tensor packed = at::empty({b, z, bytes}, out.options().dtype(at::kByte));
  const at::Tensor bits = bit_values(out.device());
  for (int64_t z0 = 0; z0 < z; z0 += kSlicesPerPass) {
    const int64_t count = std::min(kSlicesPerPass, z - z0);
    at::Tensor positive = out.narrow(1, z0, count).gt(0).reshape({b, count, n}).to(at::kByte);
    positive = at::constant_pad_nd(positive, {0, bytes * 8 - n}, 0);
    packed.narrow(1, z0, count)
        .copy_(positive.view({b, count, bytes, 8}).mul(bits).sum(-1, false, at::kByte));
  }
  return packed;
}

at::Tensor unpack_positive(const at::Tensor& packed, int64_t z0, int64_t count,
                           at::IntArrayRef slice_shape) {
  const int64_t b = packed.size(0), bytes = packed.size(2);
  int64_t n = 1;
  for (int64_t s : slice_shape) n *= s;
  const at::Tensor set =
      packed.narrow(1, z0, count).unsqueeze(-1).bitwise_and(bit_values(packed.device()));
  std::vector<int64_t> shape{b, count};
  shape.insert(shape.end(), slice_shape.begin(), slice_shape.end());
  return set.ne(0).view({b, count, bytes * 8}).narrow(2, 0, n).reshape(shape);
}

}  // namespace melrecon::nn

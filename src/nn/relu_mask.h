// What a ReLU's backward needs from its output: where it was positive, one bit per element.
// Kept instead of the output itself, so the output is freed as soon as the next layer is done
// with it. Packed per depth slice, so a chunked backward unpacks only the slices it is at.
#pragma once

#include <ATen/core/Tensor.h>

namespace melrecon::nn {

// out [B, Z, ...] → uint8 [B, Z, ⌈n/8⌉], n the elements of one slice; bit i of byte j says
// whether element 8j + i of the slice is > 0.
at::Tensor pack_positive(const at::Tensor& out);

// Slices [z0, z0 + count) of the packed mask as bool [B, count, slice_shape...].
at::Tensor unpack_positive(const at::Tensor& packed, int64_t z0, int64_t count,
                           at::IntArrayRef slice_shape);

}  // namespace melrecon::nn

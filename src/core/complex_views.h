// Networks see a complex image [B, *S] as two real channels [B, 2, *S] (real, imaginary).
// Both directions are differentiable, so gradients flow between the image and the network.
#pragma once

#include <ATen/core/Tensor.h>

namespace melrecon::core {

// [B, *S] complex -> [B, 2, *S] real (a strided view, no copy).
at::Tensor complex_to_channels(const at::Tensor& x);

// [B, 2, *S] real -> [B, *S] complex (copies once to make the real/imag pair contiguous).
at::Tensor channels_to_complex(const at::Tensor& x);

}  // namespace melrecon::core

// What the CNN and the U-Net share around their layers: the input cast to the compute dtype
// and moved to the layout the convolutions run fastest in: channels-last on the CPU (oneDNN
// then convolves without reordering every activation to its blocked format and back: 1.3-1.45x
// faster per convolution, forward and backward, measured with LibTorch 2.11), or the
// depth-major layout of nn/depth_major_conv.h when asked for; the body runs there and its result
// comes back in the input's layout and dtype.
#pragma once

#include <ATen/core/Tensor.h>

#include <functional>
#include <optional>
#include <string>

#include "core/choices.h"

namespace melrecon::nn {

// How 3D kernels run: LibTorch's `native` conv3d, or the `depth_major` node (it keeps its input
// and one bit per output, not the ReLU's output). `automatic` runs natively here; training
// replaces it by the faster of the two on the CPU (train/conv3d_choice.h), as neither is faster
// at every width.
enum class Conv3dPath { automatic, native, depth_major };
constexpr core::Choices<Conv3dPath, 3> choices(Conv3dPath) {
  return {"3D convolution path",
          {{{Conv3dPath::automatic, "auto"},
            {Conv3dPath::native, "native"},
            {Conv3dPath::depth_major, "depth-major"}}}};
}

// The dtype the networks compute in: float32 is the model's own dtype (no cast).
enum class Precision { float32, bfloat16, float16 };
constexpr core::Choices<Precision, 3> choices(Precision) {
  return {"precision",
          {{{Precision::float32, "float32"},
            {Precision::bfloat16, "bfloat16"},
            {Precision::float16, "float16"}}}};
}
std::optional<c10::ScalarType> compute_dtype_of(Precision precision);

// `body(h, depth_major)` maps [B, C, ...] (or [B, Z, C, Y, X] when depth_major) to the same
// layout. `network` names the caller in errors; compute_dtype unset: x's own dtype.
at::Tensor run_network_body(const at::Tensor& x, int64_t spatial_rank,
                            std::optional<c10::ScalarType> compute_dtype, Conv3dPath path,
                            const char* network,
                            const std::function<at::Tensor(const at::Tensor&, bool)>& body);

}  // namespace melrecon::nn

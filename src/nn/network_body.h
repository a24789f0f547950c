// What the CNN and the U-Net share around their layers: the input cast to the compute dtype
// and, for 3D kernels on the CPU, moved to the depth-major layout that the fast convolution
// needs (nn/depth_major_conv.h); the body runs there and its result comes back in the input's
// layout and dtype.
#pragma once

#include <ATen/core/Tensor.h>

#include <functional>
#include <optional>
#include <string>

namespace melrecon::nn {

// How 3D kernels run: `automatic` is depth-major on the CPU (where LibTorch's conv3d is slow)
// and LibTorch's native conv3d on CUDA; either can be forced, e.g. to compare them on a GPU.
enum class Conv3dPath { automatic, native, depth_major };
Conv3dPath parse_conv3d_path(const std::string& name);  // "auto" | "native" | "depth-major"

// `body(h, depth_major)` maps [B, C, ...] (or [B, Z, C, Y, X] when depth_major) to the same
// layout. `network` names the caller in errors; compute_dtype unset: x's own dtype.
at::Tensor run_network_body(const at::Tensor& x, int64_t spatial_rank,
                            std::optional<c10::ScalarType> compute_dtype, Conv3dPath path,
                            const char* network,
                            const std::function<at::Tensor(const at::Tensor&, bool)>& body);

}  // namespace melrecon::nn

#include "nn/network_body.h"

#include <ATen/ATen.h>

#include "core/error.h"

namespace melrecon::nn {

at::Tensor run_network_body(const at::Tensor& x, int64_t spatial_rank,
                            std::optional<c10::ScalarType> compute_dtype, const char* network,
                            const std::function<at::Tensor(const at::Tensor&, bool)>& body) {
  // 3D kernels on the CPU run as sums of 2D convolutions on depth-major activations;
  // elsewhere the native convolution is fast.
  const bool depth_major = spatial_rank == 3 && x.device().is_cpu();
  const auto compute = compute_dtype.value_or(x.scalar_type());
  core::check(compute != c10::kHalf || !x.device().is_cpu(),
              "{}: float16 needs a CUDA device; use bfloat16 on the CPU", network);
  // The cast (a differentiable copy) comes first so the depth-major copy is in the compute dtype.
  at::Tensor h = x.to(compute);
  if (depth_major) h = h.movedim(1, 2).contiguous();
  h = body(h, depth_major);
  if (depth_major) h = h.movedim(2, 1);
  return h.to(x.scalar_type()).contiguous();
}

}  // namespace melrecon::nn

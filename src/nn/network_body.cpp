#include "nn/network_body.h"

#include <ATen/ATen.h>

#include "core/error.h"

namespace melrecon::nn {

std::optional<c10::ScalarType> compute_dtype_of(Precision precision) {
  switch (precision) {
    case Precision::float32:
      return std::nullopt;
    case Precision::bfloat16:
      return c10::kBFloat16;
    case Precision::float16:
      return c10::kHalf;
  }
  core::fail_internal(__FILE__, __LINE__, "precision {} has no dtype", static_cast<int>(precision));
}

at::Tensor run_network_body(const at::Tensor& x, int64_t spatial_rank,
                            std::optional<c10::ScalarType> compute_dtype, Conv3dPath path,
                            const char* network,
                            const std::function<at::Tensor(const at::Tensor&, bool)>& body) {
  const bool depth_major = spatial_rank == 3 && path == Conv3dPath::depth_major;
  const auto compute = compute_dtype.value_or(x.scalar_type());
  MELRECON_CHECK(compute != c10::kHalf || !x.device().is_cpu(),
                 "{}: float16 needs a CUDA device; use bfloat16 on the CPU", network);
  // The cast (a differentiable copy) comes first so the depth-major copy is in the compute dtype.
  at::Tensor h = x.to(compute);
  if (depth_major) {
    h = h.movedim(1, 2).contiguous();
  } else if (x.device().is_cpu() && (spatial_rank == 2 || spatial_rank == 3)) {
    h = h.contiguous(spatial_rank == 2 ? at::MemoryFormat::ChannelsLast
                                       : at::MemoryFormat::ChannelsLast3d);
  }
  h = body(h, depth_major);
  if (depth_major) h = h.movedim(2, 1);
  return h.to(x.scalar_type()).contiguous();
}

}  // namespace melrecon::nn

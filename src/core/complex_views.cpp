#include "core/complex_views.h"

#include <ATen/ATen.h>

#include "core/error.h"
#include "core/tensor_checks.h"

namespace melrecon::core {

at::Tensor complex_to_channels(const at::Tensor& x) {
  MELRECON_ASSERT(x.is_complex(), "complex_to_channels: expected a complex tensor, found {}",
                  c10::toString(x.scalar_type()));
  MELRECON_ASSERT(x.dim() >= 1, "complex_to_channels: expected [B, *S], found a scalar");
  return at::view_as_real(x).movedim(-1, 1);
}

at::Tensor channels_to_complex(const at::Tensor& x) {
  MELRECON_ASSERT(x.dim() >= 2 && x.size(1) == 2,
                  "channels_to_complex: expected [B, 2, *S], found {}", shape_string(x.sizes()));
  MELRECON_ASSERT(x.is_floating_point(), "channels_to_complex: expected a real tensor, found {}",
                  c10::toString(x.scalar_type()));
  return at::view_as_complex(x.movedim(1, -1).contiguous());
}

}  // namespace melrecon::core

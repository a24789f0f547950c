// Validation of tensors that come from users: finite values, expected ranks and shapes.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

namespace melrecon::core {

// Throws "<what>: contains N non-finite values (NaN or Inf)" if any element is not finite.
void check_finite(const at::Tensor& t, const std::string& what);

// Bytes of `sizes` elements of `element_bytes` each, computed without overflow; throws
// "<what>: shape [...] needs ... bytes, more than ..." when that passes `limit_bytes` (what a
// file's size allows), so a corrupt header never reaches the allocator.
int64_t checked_bytes(at::IntArrayRef sizes, int64_t element_bytes, int64_t limit_bytes,
                      const std::string& what);

// "[2, 8, 64, 64]": shapes in messages.
std::string shape_string(at::IntArrayRef shape);

}  // namespace melrecon::core

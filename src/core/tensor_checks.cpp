#include "core/tensor_checks.h"

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.h"

namespace melrecon::core {

void check_finite(const at::Tensor& t, const std::string& what) {
  const int64_t bad = (~at::isfinite(t)).sum().item<int64_t>();
  MELRECON_CHECK(bad == 0, "{}: contains {} non-finite values (NaN or Inf)", what, bad);
}

int64_t checked_bytes(at::IntArrayRef sizes, int64_t element_bytes, int64_t limit_bytes,
                      const std::string& what) {
  int64_t bytes = element_bytes;
  bool overflow = false;
  for (int64_t s : sizes) {
    MELRECON_CHECK(s >= 0, "{}: shape {} has a negative size", what, shape_string(sizes));
    overflow = overflow || __builtin_mul_overflow(bytes, s, &bytes);
  }
  MELRECON_CHECK(!overflow && bytes <= limit_bytes,
                 "{}: shape {} needs {} bytes, more than the {} its file allows", what,
                 shape_string(sizes), overflow ? std::string("over 2^63") : std::to_string(bytes),
                 limit_bytes);
  return bytes;
}

std::string shape_string(at::IntArrayRef shape) {
  return fmt::format("[{}]", fmt::join(shape.begin(), shape.end(), ", "));
}

}  // namespace melrecon::core

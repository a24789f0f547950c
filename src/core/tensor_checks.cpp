#include "core/tensor_checks.h"

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.h"

namespace melrecon::core {

void check_finite(const at::Tensor& t, const std::string& what) {
  const int64_t bad = (~at::isfinite(t)).sum().item<int64_t>();
  check(bad == 0, "{}: contains {} non-finite values (NaN or Inf)", what, bad);
}

void check_rank(const at::Tensor& t, int64_t lo, int64_t hi, const std::string& what) {
  check(t.dim() >= lo && t.dim() <= hi, "{}: expected rank in [{}, {}], found {} (shape {})", what,
        lo, hi, t.dim(), shape_string(t.sizes()));
}

std::string shape_string(at::IntArrayRef shape) {
  return fmt::format("[{}]", fmt::join(shape.begin(), shape.end(), ", "));
}

}  // namespace melrecon::core

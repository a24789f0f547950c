#include "sim/grid.h"

#include <ATen/ATen.h>

#include "core/error.h"
#include "core/tensor_checks.h"

namespace melrecon::sim {

at::Tensor axis_coordinates(int64_t n, int64_t supersample) {
  const int64_t m = n * supersample;
  return (at::arange(m, at::kDouble) * 2 + 1) / static_cast<double>(m) - 1;
}

at::Tensor grid_points(at::IntArrayRef shape) {
  MELRECON_CHECK(shape.size() == 2 || shape.size() == 3,
                 "expected a [Y, X] or [Z, Y, X] grid, found {}", core::shape_string(shape));
  const bool volume = shape.size() == 3;
  const at::Tensor z = volume ? axis_coordinates(shape[0]) : at::zeros({1}, at::kDouble);
  const at::Tensor y = axis_coordinates(shape[shape.size() - 2]).flip(0);
  const at::Tensor x = axis_coordinates(shape.back());
  const auto mesh = at::meshgrid({z, y, x}, "ij");
  return at::stack({mesh[2].flatten(), mesh[1].flatten(), mesh[0].flatten()}, 1);
}

}  // namespace melrecon::sim

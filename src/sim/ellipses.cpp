#include "sim/ellipses.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/error.h"
#include "core/tensor_checks.h"
#include "sim/grid.h"

namespace melrecon::sim {
namespace {

// Paints the shapes on one slab of sub-pixel rows; x, y, z broadcast against each other.
void paint(at::Tensor& canvas, const std::vector<Ellipsoid>& shapes, const at::Tensor& x,
           const at::Tensor& y, const at::Tensor& z, bool volume) {
  for (const Ellipsoid& e : shapes) {
    const double c = std::cos(e.angle), s = std::sin(e.angle);
    const at::Tensor dx = x - e.center[0], dy = y - e.center[1];
    const at::Tensor u = (dx * c + dy * s) / e.axes[0];
    const at::Tensor v = (dy * c - dx * s) / e.axes[1];
    at::Tensor q = u * u + v * v;
    if (volume) q = q + ((z - e.center[2]) / e.axes[2]).pow(2);
    const at::Tensor inside = q <= 1.0;
    if (e.replace) {
      canvas.masked_fill_(inside, e.intensity);
    } else {
      canvas.add_(inside.to(at::kDouble) * e.intensity);
    }
  }
}

}  // namespace

at::Tensor rasterize(const std::vector<Ellipsoid>& shapes, at::IntArrayRef shape,
                     int64_t supersample) {
  MELRECON_CHECK(shape.size() == 2 || shape.size() == 3,
                 "rasterize: expected a [Y, X] or [Z, Y, X] shape, found {}",
                 core::shape_string(shape));
  MELRECON_CHECK(supersample >= 1, "rasterize: supersample must be >= 1, found {}", supersample);
  const bool volume = shape.size() == 3;
  const int64_t s = supersample;
  const int64_t nz = volume ? shape[0] : 1, ny = shape[shape.size() - 2], nx = shape.back();
  // y grows upwards: row 0 is the top of the image.
  const at::Tensor x = axis_coordinates(nx, s).view({1, 1, nx * s});
  const at::Tensor y = axis_coordinates(ny, s).flip(0).view({1, ny * s, 1});
  const at::Tensor z_all = volume ? axis_coordinates(nz, s) : at::zeros({1}, at::kDouble);
  at::Tensor out = at::empty({nz, ny, nx}, at::kFloat);
  // One output slice (s sub-pixel planes) at a time keeps the memory at a few 2D planes.
  for (int64_t k = 0; k < nz; ++k) {
    const at::Tensor z = z_all.narrow(0, k * (volume ? s : 1), volume ? s : 1).view({-1, 1, 1});
    at::Tensor canvas = at::zeros({z.size(0), ny * s, nx * s}, at::kDouble);
    paint(canvas, shapes, x, y, z, volume);
    out[k] = canvas.view({z.size(0), ny, s, nx, s}).mean({0, 2, 4}).to(at::kFloat);
  }
  return volume ? out : out[0];
}

}  // namespace melrecon::sim

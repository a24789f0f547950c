// Images made of ellipses (2D) or ellipsoids (3D), the building block of the numerical
// phantoms, in the normalised coordinates of sim/grid.h (the field of view is [-1, 1]^d).
#pragma once

#include <ATen/core/Tensor.h>

#include <array>
#include <vector>

namespace melrecon::sim {

struct Ellipsoid {
  double intensity = 1.0;
  std::array<double, 3> center{0, 0, 0};  // (x, y, z)
  std::array<double, 3> axes{1, 1, 1};    // semi-axes along the rotated x, y and z
  double angle = 0.0;                     // rotation about z, radians (counter-clockwise)
  bool replace = false;                   // paint (set the value) instead of adding to it
};

// Rasterises the shapes, in order, onto a zero image of `shape` ([Y, X] or [Z, Y, X]), float32.
// Each pixel is the mean over supersample^d sub-pixel points, which softens edges.
at::Tensor rasterize(const std::vector<Ellipsoid>& shapes, at::IntArrayRef shape,
                     int64_t supersample = 2);

}  // namespace melrecon::sim

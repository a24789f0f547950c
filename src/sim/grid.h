// The normalised image grid shared by phantoms and coils: every spatial axis spans [-1, 1]
// (the field of view), pixel centres at (2i + 1)/n − 1; x runs along X (columns), y along Y
// (rows, upwards: row 0 is the top), z along Z. A 2D image is the plane z = 0.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace melrecon::sim {

// Coordinates of an axis of n pixels sampled `supersample` times per pixel, increasing with
// the index: n·supersample points in (-1, 1), float64.
at::Tensor axis_coordinates(int64_t n, int64_t supersample = 1);

// Pixel centres of a [Y, X] or [Z, Y, X] grid as [N, 3] (x, y, z), in C order of the grid.
at::Tensor grid_points(at::IntArrayRef shape);

}  // namespace melrecon::sim

// Receive-coil sensitivities from a physical model: circular wire loops around the object,
// their field by the Biot-Savart law, the complex sensitivity from the transverse field.
//
// Geometry (normalised units of sim/grid.h: the field of view spans [-1, 1]; B0 along z):
// loops lie on a cylinder of radius 1.5 about the z axis (outside the field of view), facing
// its axis. C coils are split into ceil(C / 8) rings of at most 8, rings stacked along z
// (spacing 1.8 loop radii, centred on z = 0) and turned by half a coil against each other;
// the array is turned by a random angle from the seed. Loop radius: 0.45 of the arc between
// neighbouring coils, in [0.15, 0.6]. A 2D image or cine frame is the plane z = 0; a volume
// [Z, Y, X] spans z ∈ [-1, 1].
//
// Field: B(r) = Σ_k dl_k × (r − m_k) / |r − m_k|³ over 64 straight segments of each loop (unit
// current, μ0/4π = 1). Sensitivity: S_c = B_x − i·B_y (the circularly polarised receive
// component for B0 along z). Maps are divided by their root-sum-of-squares over coils, so
// Σ_c |S_c|² = 1 at every pixel, in particular everywhere inside the object.
#pragma once

#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>
#include <vector>

#include "core/random.h"

namespace melrecon::sim {

struct Loop {
  std::array<double, 3> center;  // (x, y, z)
  std::array<double, 3> normal;  // unit
  double radius;
};

// The loop array described above for `coils` coils, turned by `rotation` radians.
std::vector<Loop> coil_array(int64_t coils, double rotation);

// Biot-Savart field of `loop` at `points` ([N, 3] float64, (x, y, z)): [N, 3] (B_x, B_y, B_z).
at::Tensor loop_field(const Loop& loop, const at::Tensor& points, int64_t segments = 64);

// Normalised sensitivities [C, *S] complex64 on the grid of `shape` ([Y, X] in the plane z = 0,
// or [Z, Y, X]), the array turned by a random angle drawn from `rng`.
at::Tensor coil_maps(int64_t coils, at::IntArrayRef shape, core::Rng& rng);

}  // namespace melrecon::sim

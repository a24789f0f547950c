// Variable-density Poisson-disc sampling on a 2D Cartesian grid (Bridson, SIGGRAPH 2007
// sketch "Fast Poisson disk sampling in arbitrary dimensions", with a radius that varies over
// k-space and candidates snapped to grid points).
//
// Every sample p has a local radius r(p) = min_radius · spacing_factor(q(p), vd) with
// q(p) = Σ_a (Δ_a / extent_a)², Δ_a the offset of p from the k-space centre along axis a.
// Distances use the metric d(p, p')² = Σ_a (Δ_a / scale_a)² (scale > 1 stretches an axis, as
// bart's per-axis acceleration does). The result has the minimum-distance property
//     d(p, p') ≥ max(r(p), r(p'))   for every pair of samples,
// i.e. the disc of local radius around a sample holds no other sample.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/random.h"

namespace melrecon::sampling {

struct PoissonDiscField {
  std::array<int64_t, 2> size{1, 1};       // grid; axis 0 is the slower (row) axis
  std::array<double, 2> scale{1.0, 1.0};   // metric stretch per axis
  std::array<double, 2> extent{1.0, 1.0};  // normalisation of the variable-density distance
  double min_radius = 1.0;                 // radius at the centre, in metric units
  double vd = 0.0;                         // variable-density strength (kspace_grid.h)
  int candidates = 30;                     // tries around an active sample before retiring it

  // The local radius at grid point (i0, i1).
  double radius(int64_t i0, int64_t i1) const;
  // Metric distance between two grid points.
  double distance(int64_t a0, int64_t a1, int64_t b0, int64_t b1) const;
};

// The samples as a row-major size[0] × size[1] array of 0/1, starting from the centre.
std::vector<uint8_t> poisson_disc(const PoissonDiscField& field, core::Rng& rng);

}  // namespace melrecon::sampling

// Poisson-disc masks over two phase-encode axes (3D: (kz, ky); 2D: (ky, kx)) with a fully
// sampled calibration square, optional elliptical scanning, and a target acceleration reached
// by searching the density scale (the centre radius of the Poisson-disc field).
#pragma once

#include <torch/arg.h>
#include <array>
#include <cstdint>
#include <vector>

#include "sampling/poisson_disc.h"

namespace melrecon::sampling {

struct PoissonMaskOptions {
  using GridSize = std::array<int64_t, 2>;  // (a macro argument cannot hold the comma)
  TORCH_ARG(GridSize, size) = GridSize{1, 1};
  TORCH_ARG(double, accel) = 4.0;       // requested R = (size0·size1) / sampled points
  TORCH_ARG(int64_t, calib) = 24;       // side of the fully sampled calibration square (0: none)
  TORCH_ARG(bool, elliptical) = false;  // sample only inside the ellipse inscribed in the grid
  TORCH_ARG(double, vd) = 2.0;          // variable density (kspace_grid.h), ρ = 1 at the grid edge
  TORCH_ARG(uint64_t, seed) = 0;
  TORCH_ARG(double, tolerance) = 0.01;  // stop searching when |R/accel − 1| is below this
};

struct PoissonMask {
  std::vector<uint8_t> samples;  // row-major size0 × size1, 0/1
  int64_t sampled = 0;
  PoissonDiscField field;  // the field that produced it (min_radius found by the search)
};

// Poisson-disc samples of `field`, then the ellipse crop and the calibration square (samples
// inside the square are not subject to the minimum distance).
PoissonMask poisson_disc_pattern(const PoissonDiscField& field, int64_t calib, bool elliptical,
                                 uint64_t seed);

// Searches field.min_radius (bisection in log scale, the same random stream in every trial) so
// that the achieved R is within `tolerance` of the request; returns the closest trial. The
// isotropic field uses extents size/2 (ρ = 1 at the grid edge along each axis).
PoissonMask poisson_disc_mask(const PoissonMaskOptions& options);

// The density law of `bart poisson -Y ny -Z nz -y ay -z az -v` on the (kz, ky) grid: a centre
// radius of 1/1.275 in a metric where ky is stretched by ay and kz by az, growing by
// 1 + 20·|p − ½|² with p bart's normalised position (p − ½ = Δ / (a · max(ny, nz))).
// For comparisons with bart; melrecon's own masks use poisson_disc_mask.
PoissonDiscField bart_poisson_field(int64_t ny, int64_t nz, double ay, double az);

}  // namespace melrecon::sampling

// A smooth random background phase, as B0 inhomogeneity and coil/receiver phase give real
// images: a random quadratic polynomial in (x, y[, z]) of sim/grid.h coordinates (coefficients
// standard normal), scaled so that its range over the field of view (max − min) is drawn
// uniformly in [π/2, 3π/2] radians.
#pragma once

#include <ATen/core/Tensor.h>

#include "core/random.h"

namespace melrecon::sim {

// Phase in radians, float32, of `shape` ([Y, X] in the plane z = 0, or [Z, Y, X]).
at::Tensor background_phase(at::IntArrayRef shape, core::Rng& rng);

}  // namespace melrecon::sim

// The fast alternative to ESPIRiT: low-resolution coil images divided by their root-sum-of-
// squares ("ACS ratio"). The calibration region, tapered by a Hann window to limit ringing, is
// zero-padded to the image grid and inverse transformed; at each pixel the coil vector of that
// smooth image, normalised, is the sensitivity estimate. Exact where the object is locally
// constant over the window's resolution; blurs the sensitivities at sharp object edges.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

#include "calib/options.h"

namespace melrecon::calib {

// calib: [C, ca, cb] of one plane. Returns maps [C, na, nb] (unit norm where the image is
// non-zero) and the weight [na, nb]: the low-resolution root-sum-of-squares.
PlaneMaps lowres_plane(const at::Tensor& calib, int64_t na, int64_t nb);

}  // namespace melrecon::calib

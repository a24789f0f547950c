// ESPIRiT, second part: per-pixel eigen-decomposition of the image-space operator on one plane.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <utility>

#include "calib/options.h"

namespace melrecon::calib {

// The kernel sides used for calibration data [C, ca, cb]: kernel_size_, clipped to ca and cb.
std::pair<int64_t, int64_t> kernel_sides(const at::Tensor& calib, const CoilMapOptions& options);

// σ²_max of a plane's calibration matrix: the largest eigenvalue of its Gram matrix.
double largest_calibration_eigenvalue(const at::Tensor& calib, const CoilMapOptions& options);

// calib: fully sampled calibration data [C, ca, cb] of one plane; na × nb: the image grid. The
// signal subspace is spanned by the singular vectors with σ² > threshold_ · reference, where
// reference is σ²_max over all planes of the case (the plane's own for 2D, as BART does; for 3D
// the largest over the readout positions, so that positions holding only noise keep no kernels
// and are cropped).
// Returns the eigenvector of the largest eigenvalue at each pixel (unit norm, arbitrary phase)
// as maps [C, na, nb] complex64 and that eigenvalue as the weight [na, nb] float32 (about 1
// inside the object). Pixels whose operator has a trace below the crop (so an eigenvalue below
// it too) are skipped: zero maps and weight. Only pixel_chunk_ C×C matrices exist at a time.
PlaneMaps espirit_plane(const at::Tensor& calib, int64_t na, int64_t nb,
                        const CoilMapOptions& options, double reference);

}  // namespace melrecon::calib

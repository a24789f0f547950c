// Coil sensitivity maps of multi-coil k-space, for the three data kinds:
//   2D     [B, C, Y, X]     one calibration per batch entry (Y, X);
//   3D     [B, C, Z, Y, X]  inverse FFT along the readout X, then one 2D (Z, Y) calibration per
//                           x position (as for the Stanford knees: readout fully sampled);
//   cine   [B, C, T, Y, X]  one 2D calibration of the time-averaged k-space: maps [B, C, 1, Y, X]
//                           that hold for every frame (SenseOp broadcasts them).
// Maps are [B, C, *S] (cine: one frame) in the k-space dtype: unit-norm coil vectors (Σ_c |s_c|² =
// 1) where kept, zero where cropped, phase relative to the first principal component of the
// calibration data. Computed on the CPU (a preprocessing step); the maps are returned on the
// k-space's device.
#pragma once

#include <ATen/core/Tensor.h>

#include "calib/options.h"

namespace melrecon::calib {

enum class Kind { image2d, volume3d, cine };

// Throws core::Error for a wrong rank or dtype, or a calibration region that is missing, too
// small for the kernel, or not fully sampled.
at::Tensor estimate_coil_maps(const at::Tensor& kspace, Kind kind, const CoilMapOptions& options);

}  // namespace melrecon::calib

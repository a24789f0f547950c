// The per-pixel phase of estimated coil vectors is arbitrary; it is fixed relative to one virtual
// coil, the first principal component of the calibration data (as BART's ecalib does), so that
// the maps are smooth in space and consistent across planes and slices of a case.
#pragma once

#include <ATen/core/Tensor.h>

namespace melrecon::calib {

// calib: [P, C, ...] calibration data of all planes of a case. Returns u [C] complex128: the
// dominant eigenvector of the coil covariance Σ y yᴴ, unit norm, its largest entry real
// positive (e_0 when the data are all zero).
at::Tensor virtual_coil(const at::Tensor& calib);

// maps [C, ...] (in place): each pixel's coil vector s is multiplied by conj(r)/|r| with
// r = uᴴs, so that uᴴs is real and non-negative. Pixels with r = 0 are left unchanged.
void align_phase_(at::Tensor& maps, const at::Tensor& u);

}  // namespace melrecon::calib

// ESPIRiT, first part: from calibration data to the image-space operator (Uecker et al., MRM
// 71:990, 2014).
//
// Calibration matrix: each ka×kb patch of the calibration region, over all C coils, is one row
// a_r (block-Hankel). Its kept right singular vectors v_n (eigenvectors of Σ_r a_r a_rᴴ) span the
// signal subspace; P = Σ_n v_n v_nᴴ. Every k-space patch of the data is unchanged by P, so the
// k-space convolution W = (1/K) Σ_r R_rᴴ P R_r (K = ka·kb) leaves the data unchanged. In image
// space W is a C×C matrix per pixel,
//     G(x) = Σ_Δ w(Δ) exp(i2π Δ·x / N),   w_cd(Δ) = (1/K) Σ_{p−q=Δ} P[(c,p),(d,q)],
// a trigonometric polynomial with |Δ| < k; the coil sensitivities at x are its eigenvector of
// eigenvalue 1. Only the (2k−1)² coefficients w are formed here, never a per-pixel matrix.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace melrecon::calib {

// calib: [C, ca, cb] (any complex dtype). Returns Σ_r a_r a_rᴴ [C·ka·kb, C·ka·kb] complex128,
// whose eigenvalues are the squared singular values σ² of the calibration matrix.
at::Tensor calibration_gram(const at::Tensor& calib, int64_t ka, int64_t kb);

// The kept kernels [n, C, ka, kb] complex128: the eigenvectors of `gram` whose eigenvalue σ²
// exceeds `floor` (none when no eigenvalue does).
at::Tensor signal_kernels(const at::Tensor& gram, int64_t coils, int64_t ka, int64_t kb,
                          double floor);

// The coefficients w [2ka−1, 2kb−1, C, C] of G; index j along an axis is Δ = j − (k−1).
at::Tensor operator_coefficients(const at::Tensor& kernels);

// exp(i2π Δ (i − n/2) / n) for pixels i < n and Δ = j − (l−1)/2, j < l: [n, l] complex128. With
// it, G on an Na×Nb grid is E_a · w · E_bᵀ (centred pixel coordinates, as mri::fftc uses).
at::Tensor fourier_series_basis(int64_t n, int64_t l);

}  // namespace melrecon::calib

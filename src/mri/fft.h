// Centered, orthonormal FFTs over chosen dims: fftshift ∘ fft ∘ ifftshift (BART's `fft -u`).
#pragma once

#include <ATen/core/Tensor.h>

namespace melrecon::mri {

at::Tensor fftc(const at::Tensor& x, at::IntArrayRef dims);
at::Tensor ifftc(const at::Tensor& x, at::IntArrayRef dims);

}  // namespace melrecon::mri

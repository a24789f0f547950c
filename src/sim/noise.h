// Complex Gaussian k-space noise at a given SNR.
//
// SNR = rms(|x|) over the object / σ, where x is the reference image, the object is where
// |x| > 5% of its maximum, and σ² = E|n|² is the variance of the complex noise added to every
// k-space sample of every coil (σ²/2 per real and imaginary part; coils independent). With
// orthonormal FFTs and Σ_c |S_c|² = 1, σ is also the noise standard deviation per pixel of the
// coil-combined image Σ_c conj(S_c)·F⁻¹y_c, so this is the image-domain SNR in the object.
#pragma once

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

namespace melrecon::sim {

constexpr double kObjectThreshold = 0.05;

// Where |image| > kObjectThreshold · max |image| (bool, the image's shape).
at::Tensor object_support(const at::Tensor& image);

// rms(|image|) over its object.
double object_rms(const at::Tensor& image);

// σ for `snr` (> 0) given the reference image.
double noise_sigma(const at::Tensor& image, double snr);

// kspace + CN(0, σ²) noise drawn from `generator`.
at::Tensor add_noise(const at::Tensor& kspace, double sigma, at::Generator generator);

}  // namespace melrecon::sim

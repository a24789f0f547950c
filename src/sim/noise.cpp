#include "sim/noise.h"

#include <ATen/ATen.h>

#include "core/error.h"

namespace melrecon::sim {

at::Tensor object_support(const at::Tensor& image) {
  const at::Tensor magnitude = image.abs();
  return magnitude > kObjectThreshold * magnitude.max();
}

double object_rms(const at::Tensor& image) {
  const at::Tensor inside = image.abs().masked_select(object_support(image));
  MELRECON_CHECK(inside.numel() > 0, "SNR: the reference image is empty (all zero)");
  return inside.pow(2).mean().sqrt().item<double>();
}

double noise_sigma(const at::Tensor& image, double snr) {
  MELRECON_CHECK(snr > 0, "SNR must be positive, found {}", snr);
  return object_rms(image) / snr;
}

at::Tensor add_noise(const at::Tensor& kspace, double sigma, at::Generator generator) {
  // A complex standard normal has E|n|² = 1 (variance 1/2 per part).
  return kspace + sigma * at::randn(kspace.sizes(), generator, kspace.options());
}

}  // namespace melrecon::sim

#include "sim/noise.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/error.h"

namespace melrecon::sim {

at::Tensor object_support(const at::Tensor& image) {
  const at::Tensor magnitude = image.abs();
  return magnitude > kObjectThreshold * magnitude.max();
}

double object_rms(const at::Tensor& image) {
  const at::Tensor inside =
      image.abs().masked_select(object_support(image)).to(at::kDouble).contiguous();
  MELRECON_CHECK(inside.numel() > 0, "SNR: the reference image is empty (all zero)");
  // Summed in one fixed order: a parallel sum's rounding depends on the thread count, and the
  // noise level, hence the dataset, would differ between machines.
  const double* v = inside.const_data_ptr<double>();
  double sum = 0.0;
  for (int64_t i = 0; i < inside.numel(); ++i) sum += v[i] * v[i];
  return std::sqrt(sum / static_cast<double>(inside.numel()));
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

#include "metrics/image_metrics.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/error.h"
#include "core/tensor_checks.h"

namespace melrecon::metrics {
namespace {

constexpr int64_t kWindow = 11;
constexpr double kSigma = 1.5, kK1 = 0.01, kK2 = 0.03;

void check_pair(const at::Tensor& image, const at::Tensor& reference) {
  MELRECON_CHECK(image.sizes() == reference.sizes(),
                 "metrics: image shape {} differs from reference shape {}",
                 core::shape_string(image.sizes()), core::shape_string(reference.sizes()));
  MELRECON_CHECK(image.dim() == 2 || image.dim() == 3,
                 "metrics: expected one example [Y, X] or [Z|T, Y, X], found shape {}",
                 core::shape_string(image.sizes()));
}

at::Tensor gaussian_1d(const at::TensorOptions& options) {
  const at::Tensor t = at::arange(kWindow, options) - (kWindow - 1) / 2.0;
  const at::Tensor g = at::exp(-t * t / (2 * kSigma * kSigma));
  return g / g.sum();
}

// Separable "valid" Gaussian filter over the last `dims` axes of [N, 1, ...].
at::Tensor filter_valid(const at::Tensor& x, int64_t dims) {
  const at::Tensor g = gaussian_1d(x.options());
  at::Tensor out = x;
  for (int64_t d = 0; d < dims; ++d) {
    std::vector<int64_t> shape(dims + 2, 1);
    shape[2 + d] = kWindow;
    const at::Tensor w = g.reshape(shape);
    out = dims == 2 ? at::conv2d(out, w) : at::conv3d(out, w);
  }
  return out;
}

}  // namespace

std::pair<at::Tensor, at::Tensor> normalized_magnitudes(const at::Tensor& image,
                                                        const at::Tensor& reference) {
  check_pair(image, reference);
  const at::Tensor ref = reference.abs();
  const at::Tensor scale = ref.max().clamp_min(1e-30);
  return {image.abs() / scale, ref / scale};
}

at::Tensor psnr(const at::Tensor& image, const at::Tensor& reference) {
  const auto [x, y] = normalized_magnitudes(image, reference);
  return -10.0 * at::log10((x - y).pow(2).mean().clamp_min(1e-30));
}

at::Tensor nrmse(const at::Tensor& image, const at::Tensor& reference) {
  const auto [x, y] = normalized_magnitudes(image, reference);
  return (x - y).norm() / y.norm().clamp_min(1e-30);
}

at::Tensor ssim_real(const at::Tensor& x, const at::Tensor& y, double data_range, SsimMode mode) {
  const bool volume = mode == SsimMode::volume && x.dim() == 3;
  const int64_t dims = volume ? 3 : 2;
  // [N, 1, ...]: slices of a per-slice SSIM are the batch of one 2D filtering.
  const auto batched = [&](const at::Tensor& t) {
    if (volume) return t.unsqueeze(0).unsqueeze(0);
    return (t.dim() == 2 ? t.unsqueeze(0) : t).unsqueeze(1);
  };
  for (int64_t d = x.dim() - dims; d < x.dim(); ++d) {
    MELRECON_CHECK(x.size(d) >= kWindow,
                   "SSIM: image axis of size {} is smaller than the {}-pixel window", x.size(d),
                   kWindow);
  }
  const at::Tensor a = batched(x), b = batched(y);
  const at::Tensor mu_a = filter_valid(a, dims), mu_b = filter_valid(b, dims);
  const at::Tensor var_a = filter_valid(a * a, dims) - mu_a * mu_a;
  const at::Tensor var_b = filter_valid(b * b, dims) - mu_b * mu_b;
  const at::Tensor cov = filter_valid(a * b, dims) - mu_a * mu_b;
  const double c1 = std::pow(kK1 * data_range, 2), c2 = std::pow(kK2 * data_range, 2);
  const at::Tensor map = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) /
                         ((mu_a * mu_a + mu_b * mu_b + c1) * (var_a + var_b + c2));
  // per slice: mean of each slice's map, then of the slices (all slices have equal size)
  return map.mean();
}

at::Tensor ssim(const at::Tensor& image, const at::Tensor& reference, SsimMode mode) {
  const auto [x, y] = normalized_magnitudes(image, reference);
  return ssim_real(x, y, 1.0, mode);
}

}  // namespace melrecon::metrics

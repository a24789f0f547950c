// PSNR and SSIM against scikit-image (in the build's Python) on fixed images, and basic
// properties.
#include "metrics/image_metrics.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <fstream>

#include "support/test_support.h"

namespace melrecon::metrics {
namespace {

using test_support::run_command;

// Deterministic, structured test images (no RNG: the same numbers in Python).
at::Tensor structured(std::vector<int64_t> shape, double phase) {
  const int64_t n =
      at::IntArrayRef(shape).size() == 2 ? shape[0] * shape[1] : shape[0] * shape[1] * shape[2];
  const at::Tensor i = at::arange(n, at::kDouble);
  return (at::sin(i * 0.37 + phase) + at::cos(i * 0.011) + 2.5).reshape(shape);
}

void write_raw(const std::string& path, const at::Tensor& t) {
  const at::Tensor c = t.contiguous();
  std::ofstream(path, std::ios::binary)
      .write(static_cast<const char*>(c.data_ptr()), c.numel() * sizeof(double));
}

// skimage's structural_similarity / peak_signal_noise_ratio on the same normalised images.
std::pair<double, double> skimage_reference(const at::Tensor& x, const at::Tensor& y) {
  const std::string dir = test_support::temp_dir("skimage_ref");
  write_raw(dir + "/x.raw", x);
  write_raw(dir + "/y.raw", y);
  std::string shape;
  for (auto s : x.sizes()) shape += std::to_string(s) + ",";
  const std::string script =
      "import numpy as np\n"
      "from skimage.metrics import structural_similarity as s, peak_signal_noise_ratio as p\n"
      "x = np.fromfile('" +
      dir + "/x.raw').reshape((" + shape +
      "))\n"
      "y = np.fromfile('" +
      dir + "/y.raw').reshape((" + shape +
      "))\n"
      "print(s(y, x, gaussian_weights=True, sigma=1.5, use_sample_covariance=False, "
      "data_range=1.0), p(y, x, data_range=1.0))\n";
  std::ofstream(dir + "/ref.py") << script;
  const auto r = run_command(test_support::python() + " " + dir + "/ref.py");
  if (r.exit_code != 0) return {std::nan(""), std::nan("")};
  double ssim_value = 0, psnr_value = 0;
  std::istringstream(r.output) >> ssim_value >> psnr_value;
  return {ssim_value, psnr_value};
}

TEST(ImageMetrics, MatchScikitImageIn2dAnd3d) {
  if (run_command(test_support::python() + " -c 'import skimage'").exit_code != 0) {
    GTEST_SKIP() << "scikit-image is not installed for " << test_support::python()
                 << " (scripts/setup.sh installs it into .venv)";
  }
  for (const std::vector<int64_t>& shape : {std::vector<int64_t>{40, 33}, {14, 20, 17}}) {
    const at::Tensor ref = structured(shape, 0.0);
    const at::Tensor img = structured(shape, 0.3);
    const auto [x, y] = normalized_magnitudes(img, ref);
    const auto [expected_ssim, expected_psnr] = skimage_reference(x, y);
    const SsimMode mode = shape.size() == 3 ? SsimMode::volume : SsimMode::per_slice;
    EXPECT_NEAR(ssim(img, ref, mode).item<double>(), expected_ssim, 1e-6) << shape.size() << "D";
    EXPECT_NEAR(psnr(img, ref).item<double>(), expected_psnr, 1e-9) << shape.size() << "D";
  }
}

TEST(ImageMetrics, IdentityAndKnownValues) {
  const at::Tensor ref = structured({24, 24}, 0.0);
  EXPECT_NEAR(ssim(ref, ref).item<double>(), 1.0, 1e-12);
  EXPECT_NEAR(nrmse(ref, ref).item<double>(), 0.0, 1e-15);
  // Uniform error of 0.1 of the maximum: PSNR = 20 dB
  const at::Tensor x = at::full({16, 16}, 1.0, at::kDouble);
  const at::Tensor y = at::full({16, 16}, 1.1, at::kDouble);
  const double expected = 10 * std::log10(1.0 / std::pow(0.1 / 1.1, 2));
  EXPECT_NEAR(psnr(x, y).item<double>(), expected, 1e-9);
  // Per-slice SSIM of a stack is the mean of the slices' SSIM
  const at::Tensor a = structured({3, 20, 20}, 0.0), b = structured({3, 20, 20}, 0.5);
  const auto [na, nb] = normalized_magnitudes(b, a);
  double mean = 0;
  for (int64_t s = 0; s < 3; ++s)
    mean += ssim_real(na[s], nb[s], 1.0, SsimMode::per_slice).item<double>() / 3;
  EXPECT_NEAR(ssim(b, a).item<double>(), mean, 1e-12);
}

TEST(ImageMetrics, SsimIsDifferentiable) {
  const at::Tensor ref = structured({20, 20}, 0.0);
  const at::Tensor img = structured({20, 20}, 0.2).requires_grad_(true);
  (1 - ssim(img, ref)).backward();
  EXPECT_GT(img.grad().abs().sum().item<double>(), 0.0);
}

}  // namespace
}  // namespace melrecon::metrics

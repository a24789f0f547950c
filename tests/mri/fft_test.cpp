#include "mri/fft.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

#include "support/test_support.h"

namespace melrecon::mri {
namespace {

// The centered FFT is unitary: ifftc is its adjoint (and inverse), for even and odd sizes and any
// set of axes.
TEST(CenteredFft, InverseIsTheAdjoint) {
  const std::vector<std::vector<int64_t>> shapes{{8, 6}, {7, 6}, {9, 5}, {3, 4, 5}};
  for (const auto& shape : shapes) {
    std::vector<std::vector<int64_t>> axis_sets{{-2, -1}, {-1}};
    if (shape.size() == 3) axis_sets.push_back({0, 1, 2});
    for (const auto& axes : axis_sets) {
      SCOPED_TRACE(::testing::Message() << "shape " << shape.size() << "d " << shape[0] << "x"
                                        << shape[1] << ", " << axes.size() << " axes");
      test_support::expect_adjoint([&](const at::Tensor& x) { return fftc(x, axes); },
                                   [&](const at::Tensor& y) { return ifftc(y, axes); }, shape,
                                   shape, 1e-13);
      const at::Tensor x = test_support::random_complex(shape, 3);
      EXPECT_LT(test_support::relative_error(ifftc(fftc(x, axes), axes), x), 1e-14);
    }
  }
}

// fftc along one axis is the unitary DFT with the origin at index c = N/2 (rounded down) in both
// domains: F[k, n] = exp(-2πi (k - c)(n - c) / N) / √N, for even and odd N.
TEST(CenteredFft, EqualsTheCentredDftMatrix) {
  for (int64_t n : {6, 7, 9}) {
    const double c = static_cast<double>(n / 2);
    const at::Tensor k = at::arange(n, at::kDouble).unsqueeze(1) - c;
    const at::Tensor phase = -2.0 * M_PI * k * k.t() / static_cast<double>(n);
    const at::Tensor f = at::polar(at::ones_like(phase), phase) / std::sqrt(static_cast<double>(n));
    const at::Tensor x = test_support::random_complex({3, n}, 4);
    EXPECT_LT(test_support::relative_error(fftc(x, {-1}), at::matmul(x, f.t())), 1e-13)
        << "size " << n;
  }
}

}  // namespace
}  // namespace melrecon::mri

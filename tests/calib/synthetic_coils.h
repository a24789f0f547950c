// Synthetic multi-coil data with known, smooth coil sensitivities for the calibration tests:
// an elliptical object with a little texture, seen by coils whose sensitivities are low-order
// trigonometric functions (so ESPIRiT's kernel-size model holds), normalised to unit root-sum-
// of-squares. Header-only: the test targets build tests/<module>/*_test.cpp only.
#pragma once

#include <ATen/ATen.h>

#include <cmath>

#include "mri/fft.h"

namespace melrecon::test_support {

// Sensitivities [C, Y, X], Σ_c |s_c|² = 1 everywhere.
inline at::Tensor smooth_sensitivities(int64_t coils, int64_t ny, int64_t nx) {
  const auto opts = at::TensorOptions().dtype(at::kDouble);
  const at::Tensor y = (at::arange(ny, opts) - ny / 2).div(ny).reshape({ny, 1});
  const at::Tensor x = (at::arange(nx, opts) - nx / 2).div(nx).reshape({1, nx});
  std::vector<at::Tensor> maps;
  for (int64_t c = 0; c < coils; ++c) {
    const double angle = 2 * M_PI * static_cast<double>(c) / static_cast<double>(coils);
    const at::Tensor distance =
        (y - 0.6 * std::sin(angle)).pow(2) + (x - 0.6 * std::cos(angle)).pow(2);
    const at::Tensor magnitude = at::exp(-distance * 1.5);
    const at::Tensor phase =
        2 * M_PI * (0.3 * std::cos(angle) * y + 0.3 * std::sin(angle) * x) + angle;
    maps.push_back(at::polar(magnitude, phase));
  }
  const at::Tensor s = at::stack(maps);
  return s / s.abs().pow(2).sum(0, true).sqrt();
}

// An ellipse (semi-axes 0.35·ny, 0.3·nx, centre shifted by `shift` pixels along x) with a
// smooth texture: [Y, X] complex128.
inline at::Tensor ellipse_object(int64_t ny, int64_t nx, double shift = 0) {
  const auto opts = at::TensorOptions().dtype(at::kDouble);
  const at::Tensor y = (at::arange(ny, opts) - ny / 2).reshape({ny, 1});
  const at::Tensor x = (at::arange(nx, opts) - nx / 2 - shift).reshape({1, nx});
  const at::Tensor inside = ((y / (0.35 * ny)).pow(2) + (x / (0.3 * nx)).pow(2)) < 1;
  const at::Tensor texture = 1 + 0.3 * at::cos(y * 0.4) * at::sin(x * 0.3);
  return (inside.to(at::kDouble) * texture).to(at::kComplexDouble);
}

// Fully sampled k-space [1, C, Y, X] of object · sensitivities.
inline at::Tensor coil_kspace(const at::Tensor& object, const at::Tensor& sensitivities) {
  return mri::fftc(object.unsqueeze(0) * sensitivities, {-2, -1}).unsqueeze(0);
}

}  // namespace melrecon::test_support

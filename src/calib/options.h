// Options of coil sensitivity estimation (ESPIRiT or the low-resolution ACS ratio), and what
// one planar estimate returns before cropping and phase alignment.
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/arg.h>

#include <cstdint>
#include <optional>
#include <string>

#include "core/choices.h"

namespace melrecon::calib {

// espirit: Uecker et al. 2014, as `bart ecalib -m1`.
// lowres: coil images of the windowed calibration region divided by their root-sum-of-squares.
enum class Method { espirit, lowres };

constexpr core::Choices<Method, 2> choices(Method) {
  return {"coil-map method", {{{Method::espirit, "espirit"}, {Method::lowres, "lowres"}}}};
}

struct CoilMapOptions {
  double crop_value() const;  // crop, or the method's default
  void validate() const;      // throws core::Error naming the bad option

  TORCH_ARG(Method, method) = Method::espirit;
  // Largest side of the (fully sampled, centred) calibration region, BART `ecalib -r`.
  TORCH_ARG(int64_t, calib_size) = 24;
  // Side of the k-space kernel (ESPIRiT only), BART `ecalib -k`.
  TORCH_ARG(int64_t, kernel_size) = 6;
  // Singular vectors with σ² > threshold·σ²_max span the signal subspace (ESPIRiT only). This is
  // BART's rule for `ecalib -t`: σ/σ_max > sqrt(threshold).
  TORCH_ARG(double, threshold) = 0.001;
  // Maps are zero where the weight is below the crop: ESPIRiT, the largest eigenvalue of the
  // pixel's operator (BART `ecalib -c`, default 0.8); lowres, the low-resolution root-sum-of-
  // squares as a fraction of its maximum over the case (default 0.05).
  TORCH_ARG(std::optional<double>, crop);
  // Pixels whose C×C eigen-decompositions are computed together (bounds the ESPIRiT memory).
  TORCH_ARG(int64_t, pixel_chunk) = 32768;
};

// One plane's estimate: unit-norm coil vectors [C, Na, Nb] and the per-pixel weight [Na, Nb]
// that cropping compares with the crop value (eigenvalue or root-sum-of-squares).
struct PlaneMaps {
  at::Tensor maps;
  at::Tensor weight;
};

}  // namespace melrecon::calib

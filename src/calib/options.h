// Options of coil sensitivity estimation (ESPIRiT or the low-resolution ACS ratio), and what
// one planar estimate returns before cropping and phase alignment.
#pragma once

#include <ATen/core/Tensor.h>

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
  CoilMapOptions& method(Method m) {
    method_ = m;
    return *this;
  }
  // Largest side of the (fully sampled, centred) calibration region, BART `ecalib -r`.
  CoilMapOptions& calib_size(int64_t n) {
    calib_size_ = n;
    return *this;
  }
  // Side of the k-space kernel (ESPIRiT only), BART `ecalib -k`.
  CoilMapOptions& kernel_size(int64_t n) {
    kernel_size_ = n;
    return *this;
  }
  // Singular vectors with σ² > threshold·σ²_max span the signal subspace (ESPIRiT only). This is
  // BART's rule for `ecalib -t`: σ/σ_max > sqrt(threshold).
  CoilMapOptions& threshold(double t) {
    threshold_ = t;
    return *this;
  }
  // Maps are zero where the weight is below the crop: ESPIRiT, the largest eigenvalue of the
  // pixel's operator (BART `ecalib -c`, default 0.8); lowres, the low-resolution root-sum-of-
  // squares as a fraction of its maximum over the case (default 0.05).
  CoilMapOptions& crop(double c) {
    crop_ = c;
    return *this;
  }
  // Pixels whose C×C eigen-decompositions are computed together (bounds the ESPIRiT memory).
  CoilMapOptions& pixel_chunk(int64_t n) {
    pixel_chunk_ = n;
    return *this;
  }

  double crop_value() const;  // crop_, or the method's default
  void validate() const;      // throws core::Error naming the bad option

  Method method_ = Method::espirit;
  int64_t calib_size_ = 24;
  int64_t kernel_size_ = 6;
  double threshold_ = 0.001;
  std::optional<double> crop_;
  int64_t pixel_chunk_ = 32768;
};

// One plane's estimate: unit-norm coil vectors [C, Na, Nb] and the per-pixel weight [Na, Nb]
// that cropping compares with the crop value (eigenvalue or root-sum-of-squares).
struct PlaneMaps {
  at::Tensor maps;
  at::Tensor weight;
};

}  // namespace melrecon::calib

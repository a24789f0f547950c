// Comparing coil maps pixel by pixel: the phase of a pixel's coil vector is arbitrary, so maps
// agree when their coil vectors are parallel: |<a, b>| / (|a| |b|) close to 1. Header-only: the
// test targets build tests/<module>/*_test.cpp and the shared support file only.
#pragma once

#include <ATen/ATen.h>

#include "mri/fft.h"

namespace melrecon::test_support {

// a, b: [B, C, *S] -> [B, *S] in [0, 1] (0 where either vector is zero).
inline at::Tensor map_similarity(const at::Tensor& a, const at::Tensor& b) {
  const at::Tensor ad = a.to(at::kComplexDouble);
  const at::Tensor bd = b.to(at::kComplexDouble);
  const at::Tensor inner = (ad.conj() * bd).sum(1).abs();
  const at::Tensor norms = ad.abs().pow(2).sum(1).sqrt() * bd.abs().pow(2).sum(1).sqrt();
  return at::where(norms > 0, inner / norms.clamp_min(1e-300), at::zeros_like(norms));
}

// Fraction of the pixels in `region` ([B, *S] bool) where `values` exceed `level`.
inline double fraction_above(const at::Tensor& values, const at::Tensor& region, double level) {
  return values.masked_select(region).gt(level).to(at::kDouble).mean().item<double>();
}

// The object of fully sampled k-space [B, C, *S]: where the root-sum-of-squares of the coil
// images (inverse FFT over the last `rank` axes) exceeds `level` times its maximum.
inline at::Tensor object_region(const at::Tensor& kspace, int64_t rank, double level) {
  std::vector<int64_t> dims;
  for (int64_t a = -rank; a < 0; ++a) dims.push_back(a);
  const at::Tensor rss = mri::ifftc(kspace, dims).abs().pow(2).sum(1).sqrt();
  return rss > level * rss.max();
}

}  // namespace melrecon::test_support

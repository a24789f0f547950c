// Sampling masks in melrecon's layout, one entry point for every kind. Each mask is a float
// tensor of 0/1 broadcastable to k-space [B, C, *S]:
//
//   kind         data shape *S   mask shape          pattern
//   3d           [Z, Y, X]       [1, 1, Z, Y, 1]     Poisson-disc over (kz, ky), readout full
//   2d-lines     [Y, X]          [1, 1, Y, 1]        random ky lines + calibration band
//   2d-poisson   [Y, X]          [1, 1, Y, X]        Poisson-disc over (ky, kx)
//   cine-vista   [T, Y, X]       [1, 1, T, Y, 1]     VISTA-like lines per frame (cine_lines.h)
//   cine-random  [T, Y, X]       [1, 1, T, Y, 1]     random lines per frame
//
// The acceleration is R = (k-space locations of the pattern) / (sampled locations), counted on
// the mask as stored (the readout and any broadcast axis count once). `calib` is the side of
// the fully sampled square for Poisson kinds and the number of central lines otherwise. The
// seed alone decides the mask: the same options give the same mask.
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/arg.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/choices.h"

namespace melrecon::sampling {

enum class MaskKind { volume3d, lines2d, poisson2d, cine_vista, cine_random };

constexpr core::Choices<MaskKind, 5> choices(MaskKind) {
  return {"mask kind",
          {{{MaskKind::volume3d, "3d"},
            {MaskKind::lines2d, "2d-lines"},
            {MaskKind::poisson2d, "2d-poisson"},
            {MaskKind::cine_vista, "cine-vista"},
            {MaskKind::cine_random, "cine-random"}}}};
}

constexpr double kMinAccel = 1.0;
constexpr double kMaxAccel = 64.0;

struct MaskOptions {
  MaskOptions(MaskKind kind, std::vector<int64_t> shape) : kind_(kind), shape_(std::move(shape)) {}
  TORCH_ARG(MaskKind, kind);
  TORCH_ARG(std::vector<int64_t>, shape);  // the data's spatial shape *S
  TORCH_ARG(double, accel) = 4.0;
  TORCH_ARG(int64_t, calib) = 24;
  TORCH_ARG(uint64_t, seed) = 0;
  // Poisson kinds only: sample inside the ellipse inscribed in the grid (corners never sampled).
  TORCH_ARG(bool, elliptical) = false;
  // Variable density: sample spacing grows as 1 + vd·ρ² (ρ = 1 at the k-space edge).
  TORCH_ARG(double, vd) = 2.0;
};

struct Mask {
  at::Tensor mask;        // float32 0/1, shape per the table above
  int64_t sampled = 0;    // sampled locations
  int64_t locations = 0;  // locations of the pattern (mask.numel())
  double accel() const { return static_cast<double>(locations) / static_cast<double>(sampled); }
};

// Checks the options (UsageError naming the problem: shape rank, sizes, R outside
// [kMinAccel, kMaxAccel], a calibration region that does not fit or alone exceeds the samples
// R allows) and builds the mask. Poisson kinds reach R within 5% or fail saying what they got.
Mask make_mask(const MaskOptions& options);

// R of any mask: numel / number of non-zero entries.
double acceleration(const at::Tensor& mask);

}  // namespace melrecon::sampling

// A seeded random reconstruction problem (maps with unit root-sum-of-squares, a random line mask
// with a fully sampled readout, k-space of a random image plus noise), for self-checks, tests and
// benchmarks, whose results do not depend on image content.
#pragma once

#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <cstdint>
#include <vector>

#include "unrolled/problem.h"

namespace melrecon::unrolled {

struct RandomProblemSpec {
  std::vector<int64_t> image_shape;  // [B, *S]
  int64_t coils = 4;
  std::vector<int64_t> fft_axes;  // empty: all spatial axes
  double sampling_fraction = 0.5;
  double noise = 0.01;
  int64_t coil_chunk = 0;
};

// Drawn on the CPU from `seed` (the same numbers on every device), then moved to `device`.
Problem random_problem(const RandomProblemSpec& spec, uint64_t seed,
                       c10::ScalarType complex_dtype = c10::kComplexDouble,
                       c10::Device device = c10::kCPU);

}  // namespace melrecon::unrolled

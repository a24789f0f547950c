#include "calib/calibration_region.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <vector>

#include "core/error.h"
#include "core/tensor_checks.h"

namespace melrecon::calib {
namespace {

// Largest n <= max_size such that the centred run [c - n/2, c - n/2 + n), c = N/2, lies within
// the run of sampled positions through c.
int64_t centred_extent(const at::Tensor& sampled_line, int64_t max_size) {
  const at::Tensor line = sampled_line.contiguous();
  const bool* s = line.data_ptr<bool>();
  const int64_t total = line.numel();
  const int64_t c = total / 2;
  if (!s[c]) return 0;
  int64_t lo = c;
  int64_t hi = c;
  while (lo > 0 && s[lo - 1]) --lo;
  while (hi + 1 < total && s[hi + 1]) ++hi;
  int64_t n = std::min(max_size, total);
  while (n > 0 && (c - n / 2 < lo || c + (n - n / 2) - 1 > hi)) --n;
  return n;
}

}  // namespace

at::Tensor sampled_positions(const at::Tensor& data) {
  std::vector<int64_t> reduce{0};
  for (int64_t d = 3; d < data.dim(); ++d) reduce.push_back(d);
  return data.abs().gt(0).sum(reduce).gt(0);
}

at::Tensor calibration_region(const at::Tensor& data, int64_t max_size, int64_t min_a,
                              int64_t min_b) {
  MELRECON_CHECK(data.dim() >= 3, "calibration: expected k-space [C, A, B, ...], found shape {}",
                 core::shape_string(data.sizes()));
  const int64_t size_a = data.size(1);
  const int64_t size_b = data.size(2);
  const at::Tensor sampled = sampled_positions(data);
  const int64_t na = centred_extent(sampled.select(1, size_b / 2), max_size);
  const int64_t nb = centred_extent(sampled.select(0, size_a / 2), max_size);
  MELRECON_CHECK(
      na >= min_a && nb >= min_b,
      "calibration: the fully sampled k-space centre is {}x{}, smaller than the {}x{} the "
      "kernel needs (is the centre of k-space acquired?)",
      na, nb, min_a, min_b);
  const int64_t start_a = size_a / 2 - na / 2;
  const int64_t start_b = size_b / 2 - nb / 2;
  const int64_t holes =
      na * nb - sampled.narrow(0, start_a, na).narrow(1, start_b, nb).sum().item<int64_t>();
  MELRECON_CHECK(holes == 0,
                 "calibration: the central {}x{} calibration region has {} unsampled "
                 "positions",
                 na, nb, holes);
  return data.narrow(1, start_a, na).narrow(2, start_b, nb);
}

at::Tensor time_average(const at::Tensor& kspace) {
  MELRECON_CHECK(kspace.dim() == 4,
                 "calibration: expected cine k-space [C, T, Y, X], found shape {}",
                 core::shape_string(kspace.sizes()));
  const at::Tensor frames = kspace.abs().gt(0).any(0, /*keepdim=*/true).sum(1);  // [1, Y, X]
  return kspace.sum(1) / frames.clamp_min(1).to(kspace.scalar_type());
}

}  // namespace melrecon::calib

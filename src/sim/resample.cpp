#include "sim/resample.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/tensor_checks.h"

namespace melrecon::sim {
namespace {

// [n_out, n_in] weights: output pixel i covers input interval [i·s, (i+1)·s), s = n_in/n_out.
at::Tensor resampling_matrix(int64_t n_in, int64_t n_out) {
  at::Tensor w = at::zeros({n_out, n_in}, at::kDouble);
  auto a = w.accessor<double, 2>();
  const double s = static_cast<double>(n_in) / static_cast<double>(n_out);
  for (int64_t i = 0; i < n_out; ++i) {
    if (s >= 1.0) {  // shrink: average the input pixels the output pixel overlaps
      const double lo = i * s, hi = (i + 1) * s;
      for (int64_t j = static_cast<int64_t>(lo); j < std::min<double>(n_in, std::ceil(hi)); ++j) {
        a[i][j] = (std::min<double>(hi, j + 1) - std::max<double>(lo, j)) / s;
      }
    } else {  // grow: linear interpolation between the two nearest input centres
      const double pos = std::clamp((i + 0.5) * s - 0.5, 0.0, static_cast<double>(n_in - 1));
      const int64_t j = std::min<int64_t>(static_cast<int64_t>(pos), n_in - 1);
      const double f = pos - j;
      a[i][j] += 1 - f;
      if (f > 0) a[i][j + 1] += f;
    }
  }
  return w;
}

}  // namespace

at::Tensor resample_axis(const at::Tensor& x, int64_t axis, int64_t n) {
  MELRECON_CHECK(n >= 1, "resample: target size {} must be positive", n);
  if (x.size(axis) == n) return x;
  const at::Tensor w = resampling_matrix(x.size(axis), n).to(x.scalar_type());
  return at::tensordot(x.movedim(axis, -1), w, {-1}, {1}).movedim(-1, axis);
}

at::Tensor fit_to_shape(const at::Tensor& x, at::IntArrayRef shape, int64_t first_axis) {
  MELRECON_CHECK(x.dim() == static_cast<int64_t>(shape.size()),
                 "resample: source of shape {} does not have the rank of the target {}",
                 core::shape_string(x.sizes()), core::shape_string(shape));
  // The largest crop with the target's proportions: scale = min over axes of source/target.
  double scale = INFINITY;
  for (int64_t a = first_axis; a < x.dim(); ++a) {
    scale = std::min(scale, static_cast<double>(x.size(a)) / static_cast<double>(shape[a]));
  }
  at::Tensor out = x;
  for (int64_t a = 0; a < x.dim(); ++a) {
    if (a >= first_axis) {
      const int64_t keep = std::clamp<int64_t>(std::llround(scale * shape[a]), 1, x.size(a));
      out = out.narrow(a, (x.size(a) - keep) / 2, keep);
    }
    out = resample_axis(out, a, shape[a]);
  }
  return out.contiguous();
}

}  // namespace melrecon::sim

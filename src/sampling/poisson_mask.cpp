#include "sampling/poisson_mask.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "sampling/kspace_grid.h"

namespace melrecon::sampling {
namespace {

bool inside_ellipse(int64_t i, int64_t j, const std::array<int64_t, 2>& size) {
  const double a = normalized_offset(i, size[0]), b = normalized_offset(j, size[1]);
  return a * a + b * b <= 1.0;
}

double achieved(const PoissonMask& m) {
  return static_cast<double>(m.samples.size()) /
         static_cast<double>(std::max<int64_t>(1, m.sampled));
}

}  // namespace

PoissonMask poisson_disc_pattern(const PoissonDiscField& field, int64_t calib, bool elliptical,
                                 uint64_t seed) {
  core::Rng rng(seed);
  PoissonMask m{poisson_disc(field, rng), 0, field};
  const auto& size = field.size;
  for (int64_t i = 0; i < size[0]; ++i) {
    for (int64_t j = 0; j < size[1]; ++j) {
      uint8_t& s = m.samples[i * size[1] + j];
      if (elliptical && !inside_ellipse(i, j, size)) s = 0;
      if (in_band(i, size[0], calib) && in_band(j, size[1], calib)) s = 1;
      m.sampled += s;
    }
  }
  return m;
}

PoissonMask poisson_disc_mask(const PoissonMaskOptions& o) {
  PoissonDiscField field;
  field.size = o.size();
  field.extent = {0.5 * o.size()[0], 0.5 * o.size()[1]};
  field.vd = o.vd();
  // R grows with the radius: from ~1 (every grid point, radius below the grid spacing) to the
  // calibration square alone (radius beyond the grid).
  double lo = 0.25, hi = static_cast<double>(std::max(o.size()[0], o.size()[1]));
  PoissonMask best;
  double best_error = INFINITY;
  for (int iter = 0; iter < 40; ++iter) {
    field.min_radius = std::sqrt(lo * hi);
    PoissonMask m = poisson_disc_pattern(field, o.calib(), o.elliptical(), o.seed());
    const double r = achieved(m);
    const double error = std::abs(r / o.accel() - 1.0);
    if (error < best_error) {
      best_error = error;
      best = std::move(m);
    }
    if (error <= o.tolerance()) break;
    (r < o.accel() ? lo : hi) = field.min_radius;
  }
  return best;
}

PoissonDiscField bart_poisson_field(int64_t ny, int64_t nz, double ay, double az) {
  const double extent = static_cast<double>(std::max(ny, nz));
  PoissonDiscField f;
  f.size = {nz, ny};
  f.scale = {az, ay};
  // bart: r = r0 (1 + 20 |p − ½|²); |p − ½|² = Σ (Δ_a / (a·extent))² = q / 20 with these extents.
  f.extent = {az * extent / std::sqrt(20.0), ay * extent / std::sqrt(20.0)};
  f.vd = 1.0;
  f.min_radius = 1.0 / 1.275;
  return f;
}

}  // namespace melrecon::sampling

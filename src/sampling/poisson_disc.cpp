#include "sampling/poisson_disc.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "sampling/kspace_grid.h"

namespace melrecon::sampling {
namespace {

// The grid, its radius table and the occupancy, with the acceptance test of a candidate.
class Sampler {
 public:
  explicit Sampler(const PoissonDiscField& f) : f_(f), n0_(f.size[0]), n1_(f.size[1]) {
    radius_.resize(n0_ * n1_);
    for (int64_t i = 0; i < n0_; ++i) {
      for (int64_t j = 0; j < n1_; ++j) radius_[i * n1_ + j] = f.radius(i, j);
    }
    taken_.assign(n0_ * n1_, 0);
  }

  int64_t index(int64_t i, int64_t j) const { return i * n1_ + j; }
  double radius(int64_t idx) const { return radius_[idx]; }
  bool inside(int64_t i, int64_t j) const { return i >= 0 && i < n0_ && j >= 0 && j < n1_; }
  bool taken(int64_t i, int64_t j) const { return taken_[index(i, j)] != 0; }
  void take(int64_t i, int64_t j) { taken_[index(i, j)] = 1; }
  std::vector<uint8_t> release() { return std::move(taken_); }

  // True when no sample q lies closer than max(r(candidate), r(q)).
  bool acceptable(int64_t i, int64_t j) const {
    const double rc = radius_[index(i, j)];
    const auto [w0, w1] = search_window(i, j, rc);
    for (int64_t a = std::max<int64_t>(0, i - w0); a <= std::min(n0_ - 1, i + w0); ++a) {
      for (int64_t b = std::max<int64_t>(0, j - w1); b <= std::min(n1_ - 1, j + w1); ++b) {
        const int64_t q = index(a, b);
        if (!taken_[q]) continue;
        const double limit = std::max(rc, radius_[q]);
        const double d0 = (a - i) / f_.scale[0], d1 = (b - j) / f_.scale[1];
        if (d0 * d0 + d1 * d1 < limit * limit) return false;
      }
    }
    return true;
  }

 private:
  // Half-widths (in grid points) of a box that holds every point q with d < max(rc, r(q)).
  // r grows with q's distance from the centre, so the largest radius in a box is at one of its
  // corners; widen the box until it covers that radius.
  std::pair<int64_t, int64_t> search_window(int64_t i, int64_t j, double rc) const {
    double reach = rc;
    int64_t w0 = 0, w1 = 0;
    for (int iter = 0; iter < 16; ++iter) {
      w0 = static_cast<int64_t>(std::ceil(reach * f_.scale[0]));
      w1 = static_cast<int64_t>(std::ceil(reach * f_.scale[1]));
      double corner = 0.0;
      for (int64_t a : {std::max<int64_t>(0, i - w0), std::min(n0_ - 1, i + w0)}) {
        for (int64_t b : {std::max<int64_t>(0, j - w1), std::min(n1_ - 1, j + w1)}) {
          corner = std::max(corner, radius_[index(a, b)]);
        }
      }
      if (corner <= reach) break;
      reach = corner;
    }
    return {w0, w1};
  }

  const PoissonDiscField& f_;
  int64_t n0_, n1_;
  std::vector<double> radius_;
  std::vector<uint8_t> taken_;
};

}  // namespace

double PoissonDiscField::radius(int64_t i0, int64_t i1) const {
  const double d0 = (i0 - center_index(size[0])) / extent[0];
  const double d1 = (i1 - center_index(size[1])) / extent[1];
  return min_radius * spacing_factor(d0 * d0 + d1 * d1, vd);
}

double PoissonDiscField::distance(int64_t a0, int64_t a1, int64_t b0, int64_t b1) const {
  const double d0 = (a0 - b0) / scale[0], d1 = (a1 - b1) / scale[1];
  return std::sqrt(d0 * d0 + d1 * d1);
}

std::vector<uint8_t> poisson_disc(const PoissonDiscField& field, core::Rng& rng) {
  MELRECON_CHECK(field.size[0] >= 1 && field.size[1] >= 1, "poisson_disc: empty grid {}x{}",
                 field.size[0], field.size[1]);
  MELRECON_CHECK(field.min_radius > 0 && field.vd >= 0 && field.scale[0] > 0 &&
                     field.scale[1] > 0 && field.extent[0] > 0 && field.extent[1] > 0 &&
                     field.candidates > 0,
                 "poisson_disc: radius, scales and extents must be positive and vd >= 0");
  Sampler grid(field);
  std::vector<std::array<int64_t, 2>> active;
  const int64_t c0 = center_index(field.size[0]), c1 = center_index(field.size[1]);
  grid.take(c0, c1);
  active.push_back({c0, c1});
  while (!active.empty()) {
    const size_t pick = static_cast<size_t>(rng.below(static_cast<int64_t>(active.size())));
    const auto [i, j] = active[pick];
    const double r = grid.radius(grid.index(i, j));
    bool placed = false;
    for (int t = 0; t < field.candidates && !placed; ++t) {
      // Uniform over the annulus r ≤ d < 2r (by area), then snapped to the nearest grid point.
      const double d = r * std::sqrt(1.0 + 3.0 * rng.uniform());
      const double angle = 2.0 * M_PI * rng.uniform();
      const int64_t a = i + std::llround(d * std::cos(angle) * field.scale[0]);
      const int64_t b = j + std::llround(d * std::sin(angle) * field.scale[1]);
      if (!grid.inside(a, b) || grid.taken(a, b) || !grid.acceptable(a, b)) continue;
      grid.take(a, b);
      active.push_back({a, b});
      placed = true;
    }
    if (!placed) {
      active[pick] = active.back();
      active.pop_back();
    }
  }
  return grid.release();
}

}  // namespace melrecon::sampling

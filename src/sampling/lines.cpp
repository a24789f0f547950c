#include "sampling/lines.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/error.h"
#include "sampling/kspace_grid.h"

namespace melrecon::sampling {
namespace {

double line_weight(int64_t i, int64_t n, double vd) {
  const double rho = normalized_offset(i, n);
  return 1.0 / spacing_factor(rho * rho, vd);
}

int64_t free_lines(const std::vector<uint8_t>& taken) {
  return static_cast<int64_t>(std::count(taken.begin(), taken.end(), 0));
}

// The free line nearest to i (i itself if free); ties go to the lower index.
int64_t nearest_free(const std::vector<uint8_t>& taken, int64_t i) {
  const int64_t n = static_cast<int64_t>(taken.size());
  for (int64_t d = 0; d < n; ++d) {
    if (i - d >= 0 && !taken[i - d]) return i - d;
    if (i + d < n && !taken[i + d]) return i + d;
  }
  core::fail("sampling: no free line left");
}

}  // namespace

void add_random_lines(std::vector<uint8_t>& taken, int64_t count, double vd, core::Rng& rng) {
  const int64_t n = static_cast<int64_t>(taken.size());
  MELRECON_CHECK(count >= 0 && count <= free_lines(taken),
                 "sampling: cannot add {} lines, {} of {} are free", count, free_lines(taken), n);
  std::vector<std::pair<double, int64_t>> keys;
  for (int64_t i = 0; i < n; ++i) {
    const double u = 1.0 - rng.uniform();  // (0, 1]: the draw happens for every line
    if (!taken[i]) keys.emplace_back(std::log(u) / line_weight(i, n, vd), i);
  }
  std::partial_sort(keys.begin(), keys.begin() + count, keys.end(),
                    [](const auto& a, const auto& b) { return a.first > b.first; });
  for (int64_t k = 0; k < count; ++k) taken[keys[k].second] = 1;
}

void add_lattice_lines(std::vector<uint8_t>& taken, int64_t count, double offset, double jitter,
                       double vd, core::Rng& rng) {
  const int64_t n = static_cast<int64_t>(taken.size());
  MELRECON_CHECK(count >= 0 && count <= free_lines(taken),
                 "sampling: cannot add {} lines, {} of {} are free", count, free_lines(taken), n);
  std::vector<double> cumulative(n);
  double total = 0.0;
  for (int64_t i = 0; i < n; ++i) cumulative[i] = (total += line_weight(i, n, vd));
  for (int64_t j = 0; j < count; ++j) {
    const double q = (j + offset + jitter * (rng.uniform() - 0.5)) / count;
    const double target = std::clamp(q, 0.0, 1.0) * total;
    const int64_t i = std::min<int64_t>(
        n - 1, std::upper_bound(cumulative.begin(), cumulative.end(), target) - cumulative.begin());
    taken[nearest_free(taken, i)] = 1;
  }
}

std::vector<uint8_t> random_lines(int64_t n, int64_t count, int64_t calib, double vd,
                                  core::Rng& rng) {
  MELRECON_CHECK(calib <= count && count <= n, "sampling: {} lines with {} calibration lines of {}",
                 count, calib, n);
  std::vector<uint8_t> taken(n, 0);
  for (int64_t i = band_start(n, calib); i < band_start(n, calib) + calib; ++i) taken[i] = 1;
  add_random_lines(taken, count - calib, vd, rng);
  return taken;
}

}  // namespace melrecon::sampling

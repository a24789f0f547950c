#include "sampling/kspace_grid.h"

namespace melrecon::sampling {

int64_t band_start(int64_t n, int64_t width) { return center_index(n) - width / 2; }

bool in_band(int64_t i, int64_t n, int64_t width) {
  const int64_t start = band_start(n, width);
  return i >= start && i < start + width;
}

double normalized_offset(int64_t i, int64_t n) {
  return static_cast<double>(i - center_index(n)) / (0.5 * static_cast<double>(n));
}

}  // namespace melrecon::sampling

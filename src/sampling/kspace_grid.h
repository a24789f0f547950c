// k-space grid geometry shared by the mask generators: where the centre (DC) is, the centred
// calibration band, normalised distances, and the variable-density law.
#pragma once

#include <cstdint>

namespace melrecon::sampling {

// Index of the k-space centre on an axis of n samples, where the centred FFT puts DC: n / 2.
inline int64_t center_index(int64_t n) { return n / 2; }

// The calibration band of `width` samples around the centre: [start, start + width) with
// start = n/2 − width/2, so it always contains the centre (also for odd n or width).
int64_t band_start(int64_t n, int64_t width);
bool in_band(int64_t i, int64_t n, int64_t width);

// Signed distance from the centre in units of the half-width n/2 (−1 at index 0).
double normalized_offset(int64_t i, int64_t n);

// The variable-density law of every mask kind: the local spacing between samples grows with
// the squared normalised distance ρ² from the centre as 1 + vd·ρ² (vd = 0: uniform density).
// Poisson-disc radii scale with it; line-selection weights are its inverse.
inline double spacing_factor(double rho_squared, double vd) { return 1.0 + vd * rho_squared; }

}  // namespace melrecon::sampling

#include "sampling/cine_lines.h"

#include <cmath>

#include "core/error.h"
#include "sampling/kspace_grid.h"
#include "sampling/lines.h"

namespace melrecon::sampling {
namespace {

constexpr double kGoldenStep = 0.6180339887498949;  // (√5 − 1) / 2

// The lattice slot of each frame: slot_t is the rank of frac(u0 + golden·t) among all frames,
// so the T slots are each used once and consecutive frames land far apart.
std::vector<int64_t> golden_slots(int64_t frames, double u0) {
  std::vector<double> value(frames);
  for (int64_t t = 0; t < frames; ++t) value[t] = std::fmod(u0 + kGoldenStep * t, 1.0);
  std::vector<int64_t> slot(frames, 0);
  for (int64_t t = 0; t < frames; ++t) {
    for (int64_t u = 0; u < frames; ++u) slot[t] += value[u] < value[t];
  }
  return slot;
}

}  // namespace

std::vector<int64_t> lines_per_frame(int64_t total, int64_t frames) {
  std::vector<int64_t> counts(frames);
  for (int64_t t = 0; t < frames; ++t) {
    counts[t] = total * (t + 1) / frames - total * t / frames;
  }
  return counts;
}

std::vector<uint8_t> cine_lines(int64_t frames, int64_t ny, int64_t total, int64_t calib, double vd,
                                CinePattern pattern, core::Rng& rng) {
  MELRECON_CHECK(frames >= 1 && ny >= 1 && calib >= 0 && calib <= ny,
                 "cine mask: bad grid {} frames x {} lines with {} calibration lines", frames, ny,
                 calib);
  const std::vector<int64_t> counts = lines_per_frame(total, frames);
  std::vector<std::vector<uint8_t>> taken(frames, std::vector<uint8_t>(ny, 0));
  std::vector<int64_t> dealt(frames, 0);
  const int64_t t0 = rng.below(frames);
  for (int64_t k = 0; k < calib; ++k) {
    const int64_t t = (t0 + k) % frames;
    taken[t][band_start(ny, calib) + k] = 1;
    ++dealt[t];
  }
  const std::vector<int64_t> slot = golden_slots(frames, rng.uniform());
  std::vector<uint8_t> out;
  out.reserve(frames * ny);
  for (int64_t t = 0; t < frames; ++t) {
    const int64_t more = counts[t] - dealt[t];
    MELRECON_CHECK(more >= 0 && counts[t] <= ny,
                   "cine mask: frame {} has {} lines, fewer than its {} calibration lines", t,
                   counts[t], dealt[t]);
    if (pattern == CinePattern::vista) {
      // Slot centre, jittered within the slot: the union over frames stays a uniform lattice.
      const double offset = (slot[t] + 0.5) / frames;
      add_lattice_lines(taken[t], more, offset, 1.0 / frames, vd, rng);
    } else {
      add_random_lines(taken[t], more, vd, rng);
    }
    out.insert(out.end(), taken[t].begin(), taken[t].end());
  }
  return out;
}

}  // namespace melrecon::sampling

// 2D+time Cartesian patterns over (t, ky): one set of phase-encode lines per frame.
//
// Calibration (both patterns): the `calib` central lines are dealt out to the frames in turn
// (line k of the band to frame (t0 + k) mod T, t0 random), so every central line is sampled in
// at least one frame and the time average of the k-space has a fully sampled centre. A line is
// not sampled in every frame: at high R a frame has fewer lines than the band.
//
//   vista   VISTA-like (Ahmad et al., MRM 2015): each frame's other lines sit on a stratified
//           variable-density lattice (lines.h, add_lattice_lines) with a frame-specific offset:
//           the T frames take the T slots (s + ½)/T of a lattice cell in golden-ratio order
//           (slot_t = rank of frac(u0 + 0.618·t)), each line jittered within its slot. The
//           union over time is then a uniform lattice in the density's quantiles (uniform k-t
//           coverage) while consecutive frames land far apart (incoherence).
//   random  each frame draws its other lines at random, independently (add_random_lines).
#pragma once

#include <cstdint>
#include <vector>

#include "core/random.h"

namespace melrecon::sampling {

enum class CinePattern { vista, random };

// Lines per frame when `total` lines are split over `frames` as evenly as possible.
std::vector<int64_t> lines_per_frame(int64_t total, int64_t frames);

// Row-major frames × ny pattern of 0/1 with `total` lines in all. Requires every frame to have
// at least as many lines as calibration lines dealt to it: total/frames ≥ ceil(calib/frames).
std::vector<uint8_t> cine_lines(int64_t frames, int64_t ny, int64_t total, int64_t calib, double vd,
                                CinePattern pattern, core::Rng& rng);

}  // namespace melrecon::sampling

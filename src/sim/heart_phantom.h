// A 2D+time beating-heart phantom, [T, Y, X], for cine simulations.
//
// A short-axis-like slice: a thorax (a bright fat rim around soft tissue), two dark lungs, and a
// heart made of a left-ventricular blood pool (brightest, as in bSSFP cine) inside a myocardial
// ring (darker than the surrounding tissue) with a right-ventricular blood crescent beside it. The
// heart contracts with period `period_frames`: the blood-pool radius moves between end-diastole and
// end-systole following a periodic waveform (a faster systole, 35% of the cycle, then a slower
// filling), the myocardium keeps its area so the wall thickens in systole, and the right ventricle
// shrinks with it. A breathing-like translation (period 3 to 5 cardiac cycles, amplitude 0.01 to
// 0.04 of the half field of view) moves the heart and lungs. Sizes, positions, intensities, the
// ejection fraction, the cardiac phase at frame 0 and the breathing are drawn from the seed.
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/arg.h>

#include <cstdint>
#include <vector>

#include "core/random.h"
#include "sim/ellipses.h"

namespace melrecon::sim {

struct HeartPhantomOptions {
  TORCH_ARG(double,
            period_frames) = 0.0;  // cardiac period in frames; ≤ 0: the number of frames (one beat)
  TORCH_ARG(bool, breathing) = true;
};

// The randomly drawn parameters of one phantom (normalised field-of-view units, [-1, 1]).
struct HeartParameters {
  double period = 1;          // frames per cardiac cycle
  double phase0 = 0;          // cardiac phase at frame 0, in cycles
  double lv_x = 0, lv_y = 0;  // left-ventricle centre
  double blood_ed = 0.15;     // blood-pool radius at end-diastole
  double blood_es = 0.1;      // ... at end-systole
  double wall_ed = 0.05;      // myocardial thickness at end-diastole
  double blood = 1.0, myocardium = 0.15, tissue = 0.35, fat = 0.7, lung = 0.05;
  double breath_amplitude = 0, breath_period = 1, breath_phase = 0;
};

HeartParameters random_heart(int64_t frames, const HeartPhantomOptions& options, core::Rng& rng);

// Contraction at a frame: 0 at end-diastole, 1 at end-systole; periodic with `period` frames.
double contraction(const HeartParameters& p, double frame);

// Shapes of one frame (painted in order, each replacing what is below).
std::vector<Ellipsoid> heart_frame(const HeartParameters& p, double frame);

// [T, Y, X] float32 magnitude for `shape` = {T, Y, X}.
at::Tensor heart_phantom(at::IntArrayRef shape, const HeartPhantomOptions& options, core::Rng& rng);

}  // namespace melrecon::sim

#include "sim/heart_phantom.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/error.h"
#include "core/tensor_checks.h"

namespace melrecon::sim {
namespace {

constexpr double kSystole = 0.35;  // fraction of the cycle spent contracting

Ellipsoid disc(double x, double y, double rx, double ry, double angle, double value) {
  Ellipsoid e;
  e.center = {x, y, 0};
  e.axes = {rx, ry, 1};
  e.angle = angle;
  e.intensity = value;
  e.replace = true;
  return e;
}

}  // namespace

HeartParameters random_heart(int64_t frames, const HeartPhantomOptions& options, core::Rng& rng) {
  HeartParameters p;
  p.period = options.period_frames() > 0 ? options.period_frames() : static_cast<double>(frames);
  p.phase0 = rng.uniform();
  p.lv_x = rng.uniform(0.0, 0.15);
  p.lv_y = rng.uniform(-0.1, 0.05);
  p.blood_ed = rng.uniform(0.15, 0.19);
  p.blood_es = p.blood_ed * (1 - rng.uniform(0.25, 0.4));
  p.wall_ed = rng.uniform(0.06, 0.08);
  p.blood = rng.uniform(0.9, 1.0);
  p.myocardium = rng.uniform(0.12, 0.2);
  p.tissue = rng.uniform(0.3, 0.45);
  p.fat = rng.uniform(0.6, 0.75);
  p.lung = rng.uniform(0.03, 0.08);
  if (options.breathing()) {
    p.breath_amplitude = rng.uniform(0.01, 0.04);
    p.breath_period = p.period * rng.uniform(3.0, 5.0);
    p.breath_phase = rng.uniform(0, 2 * M_PI);
  }
  return p;
}

double contraction(const HeartParameters& p, double frame) {
  double cycle = std::fmod(frame / p.period + p.phase0, 1.0);
  if (cycle < 0) cycle += 1.0;
  if (cycle < kSystole) return 0.5 * (1 - std::cos(M_PI * cycle / kSystole));
  return 0.5 * (1 + std::cos(M_PI * (cycle - kSystole) / (1 - kSystole)));
}

std::vector<Ellipsoid> heart_frame(const HeartParameters& p, double frame) {
  const double breath =
      p.breath_amplitude * std::sin(2 * M_PI * frame / p.breath_period + p.breath_phase);
  const double s = contraction(p, frame);
  const double blood_r = p.blood_ed - (p.blood_ed - p.blood_es) * s;
  const double wall_area = std::pow(p.blood_ed + p.wall_ed, 2) - p.blood_ed * p.blood_ed;
  const double outer_r = std::sqrt(blood_r * blood_r + wall_area);
  const double x = p.lv_x, y = p.lv_y + breath;
  const double rv_r = (p.blood_ed + p.wall_ed) * (1.0 - 0.25 * s);
  return {
      disc(0, 0, 0.88, 0.68, 0, p.fat),                      // thorax with its fat rim
      disc(0, 0, 0.82, 0.62, 0, p.tissue),                   // soft tissue
      disc(-0.45, 0.05 + breath, 0.24, 0.38, -0.1, p.lung),  // right lung (image left)
      disc(0.5, 0.05 + breath, 0.2, 0.36, 0.1, p.lung),      // left lung
      disc(x - 0.75 * outer_r, y + 0.05, 1.1 * rv_r, 0.8 * rv_r, 0.3, p.blood),  // RV
      disc(x, y, outer_r, outer_r, 0, p.myocardium),                             // LV myocardium
      disc(x, y, blood_r, blood_r, 0, p.blood),                                  // LV blood pool
  };
}

at::Tensor heart_phantom(at::IntArrayRef shape, const HeartPhantomOptions& options,
                         core::Rng& rng) {
  MELRECON_CHECK(shape.size() == 3 && shape[0] >= 1,
                 "heart phantom: expected a [T, Y, X] shape, found {}", core::shape_string(shape));
  const HeartParameters p = random_heart(shape[0], options, rng);
  at::Tensor out = at::empty(shape, at::kFloat);
  for (int64_t t = 0; t < shape[0]; ++t) {
    out[t] = rasterize(heart_frame(p, static_cast<double>(t)), shape.slice(1));
  }
  return out;
}

}  // namespace melrecon::sim

#include "sim/shepp_logan.h"

#include <ATen/ATen.h>

#include <cmath>

namespace melrecon::sim {
namespace {

constexpr double kDegree = M_PI / 180.0;

// intensity, (x, y, z) centre, (a, b, c) semi-axes, angle about z in degrees.
struct Row {
  double a, x, y, z, ax, ay, az, deg;
};

constexpr Row kTable[kSheppLoganEllipses] = {
    {1.0, 0, 0, 0, 0.69, 0.92, 0.81, 0},         {-0.8, 0, -0.0184, 0, 0.6624, 0.874, 0.78, 0},
    {-0.2, 0.22, 0, 0, 0.11, 0.31, 0.22, -18},   {-0.2, -0.22, 0, 0, 0.16, 0.41, 0.28, 18},
    {0.1, 0, 0.35, -0.15, 0.21, 0.25, 0.41, 0},  {0.1, 0, 0.1, 0.25, 0.046, 0.046, 0.05, 0},
    {0.1, 0, -0.1, 0.25, 0.046, 0.046, 0.05, 0}, {0.1, -0.08, -0.605, 0, 0.046, 0.023, 0.05, 0},
    {0.1, 0, -0.606, 0, 0.023, 0.023, 0.02, 0},  {0.1, 0.06, -0.605, 0, 0.023, 0.046, 0.02, 0},
};

// A point inside the brain ellipse (index 1), uniformly by rejection.
std::array<double, 3> point_in(const Ellipsoid& e, bool volume, core::Rng& rng) {
  while (true) {
    const double u = rng.uniform(-1, 1), v = rng.uniform(-1, 1),
                 w = volume ? rng.uniform(-1, 1) : 0;
    if (u * u + v * v + w * w > 1) continue;
    const double c = std::cos(e.angle), s = std::sin(e.angle);
    const double px = u * e.axes[0], py = v * e.axes[1];
    return {e.center[0] + px * c - py * s, e.center[1] + px * s + py * c,
            e.center[2] + w * e.axes[2]};
  }
}

}  // namespace

std::vector<Ellipsoid> shepp_logan(bool volume) {
  std::vector<Ellipsoid> shapes;
  for (const Row& r : kTable) {
    Ellipsoid e;
    e.intensity = r.a;
    e.center = {r.x, r.y, volume ? r.z : 0.0};
    e.axes = {r.ax, r.ay, volume ? r.az : 1.0};
    e.angle = r.deg * kDegree;
    shapes.push_back(e);
  }
  return shapes;
}

std::vector<Ellipsoid> random_shepp_logan(bool volume, core::Rng& rng) {
  std::vector<Ellipsoid> shapes = shepp_logan(volume);
  for (size_t i = 0; i < shapes.size(); ++i) {
    Ellipsoid& e = shapes[i];
    for (int d = 0; d < (volume ? 3 : 2); ++d) {
      e.center[d] += rng.uniform(-0.02, 0.02);
      e.axes[d] *= rng.uniform(0.9, 1.1);
    }
    e.angle += rng.uniform(-8, 8) * kDegree;
    if (i >= 2) e.intensity *= rng.uniform(0.6, 1.4);
  }
  // The outer ellipse may have grown to (0.92 + 0.02) × 1.1: the global scale keeps it and the
  // shift inside the field of view (1.034 × 0.9 + 0.04 < 1).
  const double scale = rng.uniform(0.8, 0.9), turn = rng.uniform(-15, 15) * kDegree;
  const double shift_x = rng.uniform(-0.04, 0.04), shift_y = rng.uniform(-0.04, 0.04);
  const double c = std::cos(turn), s = std::sin(turn);
  for (Ellipsoid& e : shapes) {
    const double x = e.center[0] * scale, y = e.center[1] * scale;
    e.center = {x * c - y * s + shift_x, x * s + y * c + shift_y, e.center[2] * scale};
    for (double& a : e.axes) a *= scale;
    e.angle += turn;
  }
  const Ellipsoid brain = shapes[1];
  const int64_t lesions = rng.below(kMaxLesions + 1);
  for (int64_t k = 0; k < lesions; ++k) {
    Ellipsoid e;
    e.center = point_in(brain, volume, rng);
    e.axes = {rng.uniform(0.02, 0.07), rng.uniform(0.02, 0.07),
              volume ? rng.uniform(0.02, 0.07) : 1.0};
    e.angle = rng.uniform(0, M_PI);
    e.intensity = rng.uniform(-0.1, 0.25);
    shapes.push_back(e);
  }
  return shapes;
}

at::Tensor shepp_logan_image(at::IntArrayRef shape, core::Rng& rng) {
  return rasterize(random_shepp_logan(shape.size() == 3, rng), shape).clamp_min(0);
}

}  // namespace melrecon::sim

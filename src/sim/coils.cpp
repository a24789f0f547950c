#include "sim/coils.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "sim/grid.h"

namespace melrecon::sim {
namespace {

constexpr double kCylinderRadius = 1.5;
constexpr int64_t kCoilsPerRing = 8;

std::array<double, 3> cross(const std::array<double, 3>& a, const std::array<double, 3>& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

}  // namespace

std::vector<Loop> coil_array(int64_t coils, double rotation) {
  MELRECON_CHECK(coils >= 1, "coil array: need at least one coil, found {}", coils);
  const int64_t rings = (coils + kCoilsPerRing - 1) / kCoilsPerRing;
  std::vector<Loop> loops;
  for (int64_t r = 0; r < rings; ++r) {
    // Coils of this ring: an even share of the total.
    const int64_t in_ring = coils * (r + 1) / rings - coils * r / rings;
    const double arc = 2 * M_PI * kCylinderRadius / static_cast<double>(in_ring);
    const double radius = std::clamp(0.45 * arc, 0.15, 0.6);
    const double z = (static_cast<double>(r) - 0.5 * static_cast<double>(rings - 1)) * 1.8 * radius;
    for (int64_t c = 0; c < in_ring; ++c) {
      const double angle =
          rotation + 2 * M_PI * (static_cast<double>(c) + 0.5 * static_cast<double>(r % 2)) /
                         static_cast<double>(in_ring);
      const double cx = std::cos(angle), cy = std::sin(angle);
      loops.push_back({{kCylinderRadius * cx, kCylinderRadius * cy, z}, {-cx, -cy, 0}, radius});
    }
  }
  return loops;
}

at::Tensor loop_field(const Loop& loop, const at::Tensor& points, int64_t segments) {
  MELRECON_CHECK(points.dim() == 2 && points.size(1) == 3, "loop_field: points must be [N, 3]");
  // Two unit vectors u, v spanning the loop plane, then the wire's segment ends.
  const std::array<double, 3>& n = loop.normal;
  const std::array<double, 3> helper =
      std::abs(n[2]) < 0.9 ? std::array<double, 3>{0, 0, 1} : std::array<double, 3>{1, 0, 0};
  std::array<double, 3> u = cross(n, helper);
  const double norm = std::sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
  for (double& c : u) c /= norm;
  const std::array<double, 3> v = cross(n, u);
  std::vector<std::array<double, 3>> wire(segments + 1);
  for (int64_t k = 0; k <= segments; ++k) {
    const double t = 2 * M_PI * static_cast<double>(k) / static_cast<double>(segments);
    for (int d = 0; d < 3; ++d) {
      wire[k][d] = loop.center[d] + loop.radius * (std::cos(t) * u[d] + std::sin(t) * v[d]);
    }
  }
  const at::Tensor p = points.to(at::kDouble).contiguous();
  at::Tensor field = at::zeros({p.size(0), 3}, at::kDouble);
  const double* in = p.data_ptr<double>();
  double* out = field.data_ptr<double>();
  for (int64_t i = 0; i < p.size(0); ++i) {
    for (int64_t k = 0; k < segments; ++k) {
      std::array<double, 3> dl, r;
      for (int d = 0; d < 3; ++d) {
        dl[d] = wire[k + 1][d] - wire[k][d];
        r[d] = in[3 * i + d] - 0.5 * (wire[k + 1][d] + wire[k][d]);
      }
      const double dist = std::sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
      const std::array<double, 3> b = cross(dl, r);
      for (int d = 0; d < 3; ++d) out[3 * i + d] += b[d] / (dist * dist * dist);
    }
  }
  return field;
}

at::Tensor coil_maps(int64_t coils, at::IntArrayRef shape, core::Rng& rng) {
  const at::Tensor points = grid_points(shape);
  std::vector<at::Tensor> maps;
  for (const Loop& loop : coil_array(coils, rng.uniform(0, 2 * M_PI))) {
    const at::Tensor b = loop_field(loop, points);
    maps.push_back(at::complex(b.select(1, 0), -b.select(1, 1)));
  }
  const at::Tensor s = at::stack(maps);  // [C, N]
  const at::Tensor rss = s.abs().pow(2).sum(0, /*keepdim=*/true).sqrt();
  std::vector<int64_t> out_shape{coils};
  out_shape.insert(out_shape.end(), shape.begin(), shape.end());
  return (s / rss).to(at::kComplexFloat).reshape(out_shape);
}

}  // namespace melrecon::sim

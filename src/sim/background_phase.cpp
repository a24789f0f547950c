#include "sim/background_phase.h"

#include <ATen/ATen.h>

#include <cmath>

#include "sim/grid.h"

namespace melrecon::sim {

at::Tensor background_phase(at::IntArrayRef shape, core::Rng& rng) {
  const at::Tensor p = grid_points(shape);  // [N, 3]
  const bool volume = shape.size() == 3;
  at::Tensor phase = at::zeros({p.size(0)}, at::kDouble);
  for (int a = 0; a < (volume ? 3 : 2); ++a) {
    phase += rng.normal() * p.select(1, a);
    for (int b = a; b < (volume ? 3 : 2); ++b) {
      phase += rng.normal() * p.select(1, a) * p.select(1, b);
    }
  }
  const double range = (phase.max() - phase.min()).item<double>();
  const double target = rng.uniform(0.5 * M_PI, 1.5 * M_PI);
  phase = (phase - phase.mean()) * (range > 0 ? target / range : 0.0);
  return phase.to(at::kFloat).reshape(shape);
}

}  // namespace melrecon::sim

#include "train/random_flips.h"

#include <ATen/ATen.h>

#include <random>

namespace melrecon::train {

at::Tensor mirror_about_centre(const at::Tensor& t, int64_t dim) {
  // Size 1 (or missing, for a tensor of lower rank) is a broadcast axis: mirroring keeps it.
  if (!t.defined() || t.dim() < -dim || t.size(dim) <= 1) return t;
  // i -> 2c - i mod N with c = N/2: a plain flip (N-1-i) for odd N; for even N a flip moved one
  // place on, which leaves index 0 where it is.
  const int64_t n = t.size(dim);
  const at::Tensor flipped = t.flip(dim);
  return n % 2 == 1 ? flipped : flipped.roll(1, dim);
}

data::LoadedExample random_flips(const data::LoadedExample& example, uint64_t seed) {
  data::LoadedExample out = example;
  const int64_t spatial = example.kspace.dim() - 2;  // kspace [1, C, *S]
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution coin(0.5);
  for (int64_t a = 0; a < spatial; ++a) {
    if (!coin(rng)) continue;
    // Axis a of *S, counted from the end so that it is the same axis of every part.
    const int64_t dim = a - spatial;
    out.kspace = mirror_about_centre(out.kspace, dim);
    out.maps = mirror_about_centre(out.maps, dim);
    out.reference = mirror_about_centre(out.reference, dim);
    out.mask = mirror_about_centre(out.mask, dim);
  }
  return out;
}

}  // namespace melrecon::train

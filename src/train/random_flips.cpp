#include "train/random_flips.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "core/random.h"

namespace melrecon::train {
namespace {

// The dims of `dims` along which `t` has more than one entry (the others broadcast).
std::vector<int64_t> extended(const at::Tensor& t, const std::vector<int64_t>& dims) {
  std::vector<int64_t> out;
  for (int64_t d : dims) {
    if (t.dim() >= -d && t.size(d) > 1) out.push_back(d);
  }
  return out;
}

// `t` reversed along `reversed`, then moved one place on along the even-sized `centred` ones:
// i -> N-1-i, then i -> 2c - i mod N where c = N/2 (odd sizes need no move). One copy each.
at::Tensor mirror(const at::Tensor& t, const std::vector<int64_t>& reversed,
                  const std::vector<int64_t>& centred) {
  if (!t.defined()) return t;
  const std::vector<int64_t> flip_dims = extended(t, reversed);
  if (flip_dims.empty()) return t;
  std::vector<int64_t> roll_dims;
  for (int64_t d : extended(t, centred)) {
    if (t.size(d) % 2 == 0) roll_dims.push_back(d);
  }
  const at::Tensor flipped = t.flip(flip_dims);
  if (roll_dims.empty()) return flipped;
  return flipped.roll(std::vector<int64_t>(roll_dims.size(), 1), roll_dims);
}

}  // namespace

at::Tensor mirror_about_centre(const at::Tensor& t, int64_t dim) { return mirror(t, {dim}, {dim}); }

data::LoadedExample random_flips(const data::LoadedExample& example,
                                 const std::vector<int64_t>& fft_axes, uint64_t seed) {
  const int64_t spatial = example.kspace.dim() - 2;  // kspace [1, C, *S]
  core::Rng rng(seed);
  std::vector<int64_t> reversed, centred;  // dims counted from the end: the same in every part
  for (int64_t a = 0; a < spatial; ++a) {
    if ((rng.next() >> 63) == 0) continue;
    reversed.push_back(a - spatial);
    if (fft_axes.empty() || std::find(fft_axes.begin(), fft_axes.end(), a) != fft_axes.end()) {
      centred.push_back(a - spatial);
    }
  }
  data::LoadedExample out = example;
  out.kspace = mirror(example.kspace, reversed, centred);
  out.maps = mirror(example.maps, reversed, centred);
  out.reference = mirror(example.reference, reversed, centred);
  out.mask = mirror(example.mask, reversed, centred);
  return out;
}

}  // namespace melrecon::train

#include "train/readout_slab.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "core/error.h"
#include "core/random.h"
#include "mri/fft.h"

namespace melrecon::train {

SlabExample readout_slab(const data::LoadedExample& example, int64_t slab,
                         const std::vector<int64_t>& fft_axes, uint64_t seed) {
  const at::Tensor& k = example.kspace;  // [1, C, *S]
  const int64_t spatial = k.dim() - 2, readout = spatial - 1, size = k.size(-1);
  MELRECON_CHECK(slab >= 1 && slab <= size,
                 "{}: 'data.slab' is {}, but the example has {} readout positions", example.name,
                 slab, size);
  const int64_t offset = core::Rng(seed).below(size - slab + 1);
  const auto crop = [&](const at::Tensor& t) {
    return t.defined() && t.size(-1) > 1 ? t.narrow(-1, offset, slab).contiguous() : t;
  };

  SlabExample out;
  out.example.name = example.name;
  const bool transformed = std::find(fft_axes.begin(), fft_axes.end(), readout) != fft_axes.end();
  out.example.kspace = crop(transformed ? mri::ifftc(k, {-1}) : k);
  out.example.maps = crop(example.maps);
  out.example.reference = crop(example.reference);
  if (example.mask.defined() && example.mask.size(-1) > 1) {
    // A stored mask must not vary along the readout, or hybrid space would not separate.
    const at::Tensor first = example.mask.narrow(-1, 0, 1);
    MELRECON_CHECK(at::equal(example.mask, first.expand_as(example.mask)),
                   "{}: 'data.slab' needs the readout fully sampled, but the stored mask varies "
                   "along it",
                   example.name);
    out.example.mask = first;
  } else {
    out.example.mask = example.mask;
  }
  std::copy_if(fft_axes.begin(), fft_axes.end(), std::back_inserter(out.fft_axes),
               [&](int64_t a) { return a != readout; });
  MELRECON_CHECK(!out.fft_axes.empty(),
                 "{}: 'data.slab' leaves no axis to Fourier transform (the data's FFT axes are "
                 "the readout alone)",
                 example.name);
  return out;
}

}  // namespace melrecon::train

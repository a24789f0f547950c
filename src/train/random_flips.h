// data.flip: each training example mirrored along each image axis with probability 1/2, drawn
// from a seed per example and epoch. A small training set (tens of series) then shows the
// network more anatomy than it holds (flip augmentation, as in MRAugment, Fabian et al. 2021).
//
// Along an axis the FFT runs over, the mirror is about the centre index c = ⌊N/2⌋ of the
// centred FFT (i -> 2c - i mod N), the one reflection that the centred FFT maps onto itself:
// mirroring an image along that axis mirrors its k-space alike. Along an axis in image space
// (cine's time, a readout slab in hybrid space) it is a plain reversal. So k-space, coil maps,
// reference and a stored mask are all mirrored the same way, and the example stays an exact
// acquisition of the mirrored object with the mirrored coils (white noise stays white).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "data/example_source.h"

namespace melrecon::train {

// `t` mirrored along `dim` < 0 (counted from the end) about its centre index: a plain flip for
// odd sizes, for even sizes a flip moved one place on (index 0 stays). A size-1 or missing axis,
// one that broadcasts, is returned as it is.
at::Tensor mirror_about_centre(const at::Tensor& t, int64_t dim);

// The example mirrored along the image axes that `seed` picks (each with probability 1/2);
// `fft_axes` (indices into *S; empty: all, as in mri::SenseOptions) are those mirrored about the
// centre, the others reversed.
data::LoadedExample random_flips(const data::LoadedExample& example,
                                 const std::vector<int64_t>& fft_axes, uint64_t seed);

}  // namespace melrecon::train

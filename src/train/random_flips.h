// data.flip: each training example mirrored along each image axis (cine: also reversed in time)
// with probability 1/2, drawn from a seed per example and epoch like its mask. A small training
// set (tens of series) then shows the network more anatomy than it holds (flip augmentation,
// as in MRAugment, Fabian et al. 2021).
//
// The mirror is about the centre index c = ⌊N/2⌋ of the centred FFT (i -> 2c - i mod N), the
// one reflection that the centred FFT maps onto itself: mirroring an image along an axis mirrors
// its k-space along that axis alike. So k-space, coil maps, reference and a stored mask are all
// mirrored the same way, in whichever domain they are, and the example stays an exact
// acquisition of the mirrored object with the mirrored coils (white noise stays white).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

#include "data/example_source.h"

namespace melrecon::train {

// `t` mirrored about its centre index along `dim` < 0, counted from the end (a size-1 or
// missing axis, one that broadcasts, is returned as it is).
at::Tensor mirror_about_centre(const at::Tensor& t, int64_t dim);

// The example mirrored along the image axes that `seed` picks (each with probability 1/2).
data::LoadedExample random_flips(const data::LoadedExample& example, uint64_t seed);

}  // namespace melrecon::train

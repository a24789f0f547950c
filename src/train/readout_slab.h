// data.slab: training on `slab` consecutive readout positions of an example instead of all of
// them, as the MEL paper trains its 3D network on 15-slice slabs of the knee. With the readout
// (X, the last spatial axis) fully sampled, the inverse FFT along it turns k-space into
// independent problems per readout position (hybrid space: x, ky[, kz]); a slab of them is an
// exact smaller problem whose data consistency transforms the other axes only. The network sees
// [Z|T, Y, slab]; validation, eval and recon run on whole volumes, where the same network and
// data consistency apply unchanged.
#pragma once

#include <cstdint>
#include <vector>

#include "data/example_source.h"

namespace melrecon::train {

struct SlabExample {
  data::LoadedExample example;    // k-space in hybrid space along X, all parts cropped in X
  std::vector<int64_t> fft_axes;  // the example's FFT axes without the readout
};

// The slab of `slab` readout positions at an offset drawn from `seed` (uniform over the valid
// offsets). `fft_axes` are the data's (indices into *S); k-space already hybrid along X (X not
// among them) is only cropped. An error naming the example when its stored mask varies along
// the readout, and when `slab` exceeds the readout size.
SlabExample readout_slab(const data::LoadedExample& example, int64_t slab,
                         const std::vector<int64_t>& fft_axes, uint64_t seed);

}  // namespace melrecon::train

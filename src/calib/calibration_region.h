// The auto-calibration (ACS) region: the fully sampled block of k-space around the centre from
// which coil sensitivities are estimated.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace melrecon::calib {

// data: k-space [C, A, B, ...]; trailing axes (e.g. a readout already transformed) are carried
// along. A position (a, b) is sampled when any coil / trailing entry there is non-zero. Returns
// the largest block [C, n_a, n_b, ...] centred on the k-space centre (index A/2, B/2) with
// n_a, n_b <= max_size (and <= A, B) that is fully sampled. Throws core::Error when that block is
// smaller than min_a × min_b (too small for the kernel) or has holes.
at::Tensor calibration_region(const at::Tensor& data, int64_t max_size, int64_t min_a,
                              int64_t min_b);

// The sampled positions of [C, A, B, ...] k-space: [A, B] bool.
at::Tensor sampled_positions(const at::Tensor& data);

// Mean over the time axis (1) of cine k-space [C, T, Y, X], each sample averaged over the frames
// that acquired it (zero where none did): the calibration data of a cine series.
at::Tensor time_average(const at::Tensor& kspace);

}  // namespace melrecon::calib

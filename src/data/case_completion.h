// What training needs of a case that its files may lack: coil maps, estimated with ESPIRiT
// (calib defaults), and a reference image, the coil combination Σ conj(S)·F⁻¹y of the fully
// sampled k-space.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "calib/coil_maps.h"
#include "io/dataset.h"

namespace melrecon::data {

// The coil-map estimator's geometry for a kind of data (also `melrecon espirit`'s).
calib::Kind calib_kind(io::DataKind kind);

// Fills `c.maps` (when undefined) and `c.reference` (when undefined). Estimated maps are passed
// to `store_maps`, so that the caller keeps them for the next time the case is read.
void complete_case(io::CaseData& c, io::DataKind kind, const std::vector<int64_t>& fft_axes,
                   const std::function<void(const at::Tensor&)>& store_maps);

}  // namespace melrecon::data

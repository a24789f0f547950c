// Fitting images and volumes to a requested shape: centre crop to the target's aspect ratio,
// then separable resampling (area averaging where an axis shrinks, linear interpolation where
// it grows; pixel centres aligned as in sim/grid.h).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace melrecon::sim {

// Resamples axis `axis` of a real tensor to n samples.
at::Tensor resample_axis(const at::Tensor& x, int64_t axis, int64_t n);

// Crops the axes from `first_axis` on, about their centres, so that their sizes are
// proportional to `shape` (square source pixels assumed), then resamples every axis to `shape`.
// Axes before `first_axis` (e.g. time) are only resampled.
at::Tensor fit_to_shape(const at::Tensor& x, at::IntArrayRef shape, int64_t first_axis = 0);

}  // namespace melrecon::sim

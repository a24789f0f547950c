// Real anatomy (or any picture) as the object of a simulation: images and volumes read from
// PNG (io/png.h), NIfTI-1 .nii/.nii.gz (io/nifti.h) or BART .cfl files, fitted to the
// simulation's shape.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

#include "core/random.h"
#include "io/bart_layout.h"

namespace melrecon::sim {

struct SourceImage {
  at::Tensor data;  // float32 magnitude: [Y, X] (image2d), [Z, Y, X] (volume3d) or [T, Y, X] (cine)
  io::DataKind kind = io::DataKind::image2d;
  std::string file;
};

// By extension: .png; .nii or .nii.gz (3D: [z, y, x]; 4D with t > 1: cine of its middle z
// slice; voxel axes as stored, no qform/sform reorientation, y flipped so that +y, anterior for
// RAS data, is the top row as in sim/grid.h); anything else is a BART .cfl/.hdr pair (magnitude
// of its first batch entry). Errors name the file.
SourceImage load_source(const std::string& path);

// The object for one case, [*S] of `kind` and `shape`, scaled to a maximum of 1: a 2D case from
// a volume (or cine) takes a slice (or frame) drawn from `rng` within the central half; a 3D
// case needs a volume, a cine case a 2D+time source. Errors name the file.
at::Tensor fit_source(const SourceImage& source, io::DataKind kind, at::IntArrayRef shape,
                      core::Rng& rng);

}  // namespace melrecon::sim

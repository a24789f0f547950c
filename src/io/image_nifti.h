// A reconstructed image in melrecon's layout ([B, *S], complex) as a NIfTI file for viewers:
// x and y in-plane, then slices (2D stacks: B; 3D: Z), then time (cine: T in NIfTI's 4th
// dimension), then, for several 3D volumes or cine series, B. Magnitude, or complex as two
// volumes (real, imaginary) along the next free dimension.
#pragma once

#include <ATen/core/Tensor.h>

#include <array>
#include <string>

#include "io/bart_layout.h"

namespace melrecon::io {

// The real tensor write_nifti stores for `image` (C-order [..., t, z, y, x]).
at::Tensor nifti_volume(const at::Tensor& image, DataKind kind, bool complex_parts);

void write_image_nifti(const std::string& path, const at::Tensor& image, DataKind kind,
                       bool complex_parts, std::array<double, 3> spacing_mm = {});

}  // namespace melrecon::io

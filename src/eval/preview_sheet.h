// The picture `eval --png` writes for each example: one column per image (the reference, each
// method, then 5 × the last method's error), labelled above with its name and a caption (PSNR /
// SSIM, or the image size), each view enlarged to at least 256 px. Views by data kind: 2D the
// slice; 3D the three orthogonal mid-planes (rows axial, coronal, sagittal); cine the middle
// frame and the x–t profile through the middle row (time downwards): the views that show
// whether a 3D or 2D+t network keeps slices and frames continuous.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <utility>
#include <vector>

#include "io/bart_layout.h"

namespace melrecon::eval {

struct SheetColumn {
  std::string title;
  std::string caption;
  at::Tensor image;   // one example, [*S], real or complex (its magnitude is shown)
  double gain = 1.0;  // brightness multiplier (5 for an error map)
};

// The named 2D views of one example `image` [*S].
std::vector<std::pair<std::string, at::Tensor>> preview_views(const at::Tensor& image,
                                                              io::DataKind kind);

// float32 [H, W] in [0, 1]; `white`: the magnitude shown as white (before each column's gain).
at::Tensor preview_sheet(const std::vector<SheetColumn>& columns, io::DataKind kind, double white);

}  // namespace melrecon::eval

// PNG images through libpng (optional: MELRECON_HAVE_PNG in core/config.h). Without libpng the
// functions throw an Error saying so and `png_supported()` is false.
//
// Reading: grayscale, gray+alpha, RGB, RGBA or palette images, 1 to 16 bits, as float32 [H, W]
// in [0, 1]; colour becomes Rec. 601 luma 0.299 R + 0.587 G + 0.114 B of the stored values;
// alpha is ignored. Writing: 8-bit grayscale, for previews of (complex) images.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

namespace melrecon::io {

bool png_supported();

// Errors name the file: missing, not a PNG, corrupt (with libpng's reason).
at::Tensor read_png(const std::string& path);

// Writes `gray` ([H, W], real, values in [0, 1], clamped) as an 8-bit grayscale PNG.
void write_png(const std::string& path, const at::Tensor& gray);

// The magnitude window of a preview: |x| ≤ lo is black, |x| ≥ hi is white.
struct MagnitudeWindow {
  double lo = 0.0;
  double hi = 0.0;  // ≤ lo: use the 99.5th percentile of |x| (robust to a few bright pixels)
};

// An 8-bit preview of the magnitude of a real or complex [H, W] image.
void write_png_preview(const std::string& path, const at::Tensor& image,
                       MagnitudeWindow window = {});

}  // namespace melrecon::io

#include "io/image_nifti.h"

#include <ATen/ATen.h>

#include "core/error.h"
#include "core/tensor_checks.h"
#include "io/nifti.h"

namespace melrecon::io {

at::Tensor nifti_volume(const at::Tensor& image, DataKind kind, bool complex_parts) {
  const int64_t spatial = spatial_rank(kind);
  MELRECON_CHECK(image.dim() == spatial + 1, "an image of {} data is [B, {}], not {}",
                 core::choice_name(kind), kind == DataKind::image2d ? "Y, X" : "Z|T, Y, X",
                 core::shape_string(image.sizes()));
  at::Tensor v = image;
  if (kind == DataKind::cine) v = v.unsqueeze(-3);  // [B, T, 1, Y, X]: one slice, T frames
  if (kind != DataKind::image2d && v.size(0) == 1) v = v.squeeze(0);  // one volume or series
  if (complex_parts) {
    const at::Tensor c = v.is_complex() ? v : at::complex(v, at::zeros_like(v));
    return at::stack({at::real(c), at::imag(c)});
  }
  return v.abs();
}

void write_image_nifti(const std::string& path, const at::Tensor& image, DataKind kind,
                       bool complex_parts, std::array<double, 3> spacing_mm) {
  write_nifti(path, nifti_volume(image, kind, complex_parts), spacing_mm);
}

}  // namespace melrecon::io

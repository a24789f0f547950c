#include "sim/source_image.h"

#include <ATen/ATen.h>

#include <fmt/ranges.h>
#include <algorithm>

#include "core/error.h"
#include "io/cfl.h"
#include "io/nifti.h"
#include "io/png.h"
#include "sim/resample.h"

namespace melrecon::sim {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

SourceImage from_nifti(const std::string& path) {
  const io::NiftiImage nii = io::read_nifti(path);
  at::Tensor v = nii.data;  // [..., t, z, y, x]
  while (v.dim() > 4) {
    MELRECON_CHECK(v.size(0) == 1, "{}: NIfTI with {} dimensions > 1 beyond t is not supported",
                   path, v.dim() - 4);
    v = v[0];
  }
  while (v.dim() > 2 && v.size(0) == 1) v = v[0];
  v = v.flip(-2).contiguous();  // NIfTI's +y (anterior in RAS) to the top row
  if (v.dim() == 4) return {v.select(1, v.size(1) / 2).contiguous(), io::DataKind::cine, path};
  return {v, v.dim() == 3 ? io::DataKind::volume3d : io::DataKind::image2d, path};
}

SourceImage from_cfl(const std::string& path) {
  const std::vector<int64_t> dims = io::read_cfl_dims(path);
  const std::string file = io::cfl_base_name(path) + ".cfl";
  const io::DataKind kind = io::infer_kind(dims, file);
  return {io::read_bart(path, io::Role::image, kind)[0].abs().to(at::kFloat), kind, path};
}

// A 2D image of a 3D or cine source: a slice or frame within the central half.
at::Tensor pick_slice(const at::Tensor& v, core::Rng& rng) {
  const int64_t n = v.size(0);
  const int64_t index = n / 4 + rng.below(std::max<int64_t>(1, n / 2));
  return v[std::min(index, n - 1)];
}

}  // namespace

SourceImage load_source(const std::string& path) {
  if (ends_with(path, ".png")) return {io::read_png(path), io::DataKind::image2d, path};
  if (ends_with(path, ".nii") || ends_with(path, ".nii.gz")) return from_nifti(path);
  return from_cfl(path);
}

at::Tensor fit_source(const SourceImage& source, io::DataKind kind, at::IntArrayRef shape,
                      core::Rng& rng) {
  at::Tensor x = source.data;
  MELRECON_CHECK(at::isfinite(x).all().item<bool>(), "{}: the source image holds NaN or Inf values",
                 source.file);
  if (kind == io::DataKind::image2d && source.kind != io::DataKind::image2d) {
    x = pick_slice(x, rng);
  }
  MELRECON_CHECK(kind == io::DataKind::image2d || source.kind == kind,
                 "{}: a {} simulation needs a {} source, this file holds {} data of shape {}",
                 source.file, core::choice_name(kind),
                 kind == io::DataKind::volume3d ? "3D volume" : "2D+time",
                 core::choice_name(source.kind), fmt::join(source.data.sizes(), "x"));
  // Cine: time is resampled, not cropped.
  x = fit_to_shape(x.to(at::kFloat), shape, kind == io::DataKind::cine ? 1 : 0).clamp_min(0);
  const double peak = x.max().item<double>();
  MELRECON_CHECK(peak > 0, "{}: the source image is empty (all zero)", source.file);
  return x / peak;
}

}  // namespace melrecon::sim

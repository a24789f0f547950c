#include "calib/coil_maps.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "calib/calibration_region.h"
#include "calib/espirit.h"
#include "calib/lowres.h"
#include "calib/phase_reference.h"
#include "core/error.h"
#include "core/tensor_checks.h"
#include "mri/fft.h"

namespace melrecon::calib {
namespace {

// Kernel side along an axis: 1 for a singleton axis (as BART does), else the option.
int64_t kernel_along(int64_t size, const CoilMapOptions& o) {
  return size == 1 ? 1 : o.kernel_size();
}

// planes: calibration data [P, C, ca, cb]; maps: [C, na, nb, P] view that receives plane p at
// maps[..., p]. Estimates every plane, then crops and aligns the phase over all of them.
void estimate_planes(const at::Tensor& planes, at::Tensor maps, const CoilMapOptions& o) {
  const int64_t na = maps.size(1);
  const int64_t nb = maps.size(2);
  const int64_t count = planes.size(0);
  at::Tensor weight = at::empty({na, nb, count}, at::kDouble);
  double reference = 0;  // ESPIRiT: σ²_max over the planes
  for (int64_t p = 0; p < count && o.method() == Method::espirit; ++p) {
    reference = std::max(reference, largest_calibration_eigenvalue(planes[p], o));
  }
  for (int64_t p = 0; p < count; ++p) {
    const PlaneMaps m = o.method() == Method::espirit
                            ? espirit_plane(planes[p], na, nb, o, reference)
                            : lowres_plane(planes[p], na, nb);
    maps.select(3, p).copy_(m.maps);
    weight.select(2, p).copy_(m.weight);
  }
  const double threshold =
      o.method() == Method::espirit ? o.crop_value() : o.crop_value() * weight.max().item<double>();
  maps.mul_(weight.ge(threshold).unsqueeze(0));
  align_phase_(maps, virtual_coil(planes));
}

// One batch entry: k [C, *S] -> maps written into out [C, *S].
void estimate_entry(const at::Tensor& k, Kind kind, at::Tensor out, const CoilMapOptions& o) {
  switch (kind) {
    case Kind::image2d: {
      const at::Tensor calib = calibration_region(k, o.calib_size(), kernel_along(k.size(1), o),
                                                  kernel_along(k.size(2), o));
      estimate_planes(calib.unsqueeze(0), out.unsqueeze(-1), o);
      return;
    }
    case Kind::cine: {
      const at::Tensor mean = time_average(k);
      const at::Tensor calib = calibration_region(
          mean, o.calib_size(), kernel_along(mean.size(1), o), kernel_along(mean.size(2), o));
      estimate_planes(calib.unsqueeze(0), out.select(1, 0).unsqueeze(-1), o);  // one frame
      return;
    }
    case Kind::volume3d: {
      // [C, cz, cy, X] centre of (Z, Y) with the whole readout, then hybrid (kz, ky, x) space.
      const at::Tensor calib = calibration_region(k, o.calib_size(), kernel_along(k.size(1), o),
                                                  kernel_along(k.size(2), o));
      estimate_planes(mri::ifftc(calib, {-1}).permute({3, 0, 1, 2}), out, o);
      return;
    }
  }
}

}  // namespace

at::Tensor estimate_coil_maps(const at::Tensor& kspace, Kind kind, const CoilMapOptions& options) {
  options.validate();
  const int64_t rank = kind == Kind::image2d ? 4 : 5;
  MELRECON_CHECK(kspace.dim() == rank, "coil maps: expected {} k-space of rank {}, found shape {}",
                 kind == Kind::image2d ? "2D"
                 : kind == Kind::cine  ? "cine"
                                       : "3D",
                 rank, core::shape_string(kspace.sizes()));
  MELRECON_CHECK(kspace.is_complex(), "coil maps: expected complex k-space, found {}",
                 c10::toString(kspace.scalar_type()));
  // A preprocessing step: computed on the CPU, returned where the k-space lives.
  const at::Tensor k = kspace.cpu();
  std::vector<int64_t> shape = k.sizes().vec();
  if (kind == Kind::cine) shape[2] = 1;  // the maps do not change over the frames
  at::Tensor maps = at::zeros(shape, k.options());
  for (int64_t b = 0; b < k.size(0); ++b) {
    // Else the calibration region would be blamed: no sample looks like an unsampled centre.
    MELRECON_CHECK(k[b].ne(0).any().item<bool>(),
                   "coil maps: the k-space of entry {} is all zero; there is nothing to estimate "
                   "the maps from",
                   b);
    estimate_entry(k[b], kind, maps[b], options);
  }
  return maps.to(kspace.device());
}

}  // namespace melrecon::calib

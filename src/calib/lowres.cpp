#include "calib/lowres.h"

#include <ATen/ATen.h>

#include <cmath>

#include "mri/fft.h"

namespace melrecon::calib {
namespace {

// Hann window without zero end points: 0.5 (1 − cos(2π (i+1) / (n+1))), i < n.
at::Tensor hann(int64_t n) {
  const at::Tensor i = at::arange(1, n + 1, at::kDouble);
  return 0.5 * (1 - at::cos(i * (2.0 * M_PI / static_cast<double>(n + 1))));
}

}  // namespace

PlaneMaps lowres_plane(const at::Tensor& calib, int64_t na, int64_t nb) {
  const int64_t coils = calib.size(0);
  const int64_t ca = calib.size(1);
  const int64_t cb = calib.size(2);
  at::Tensor padded = at::zeros({coils, na, nb}, at::kComplexDouble);
  padded.narrow(1, na / 2 - ca / 2, ca)
      .narrow(2, nb / 2 - cb / 2, cb)
      .copy_(calib.to(at::kComplexDouble) * at::outer(hann(ca), hann(cb)));
  const at::Tensor images = mri::ifftc(padded, {-2, -1});
  const at::Tensor rss = at::sqrt(at::real(images * images.conj()).sum(0));
  const at::Tensor maps =
      at::where(rss > 0, images / rss.clamp_min(1e-300), at::zeros_like(images));
  return {maps, rss};
}

}  // namespace melrecon::calib

#include "calib/espirit.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "calib/espirit_operator.h"

namespace melrecon::calib {

std::pair<int64_t, int64_t> kernel_sides(const at::Tensor& calib, const CoilMapOptions& options) {
  return {std::min(options.kernel_size(), calib.size(1)),
          std::min(options.kernel_size(), calib.size(2))};
}

double largest_calibration_eigenvalue(const at::Tensor& calib, const CoilMapOptions& options) {
  const auto [ka, kb] = kernel_sides(calib, options);
  return at::linalg_eigvalsh(calibration_gram(calib, ka, kb))[-1].item<double>();
}

PlaneMaps espirit_plane(const at::Tensor& calib, int64_t na, int64_t nb,
                        const CoilMapOptions& options, double reference) {
  const int64_t coils = calib.size(0);
  const auto [ka, kb] = kernel_sides(calib, options);
  const at::Tensor kernels = signal_kernels(calibration_gram(calib, ka, kb), coils, ka, kb,
                                            options.threshold() * std::max(reference, 0.0));
  const at::Tensor w = operator_coefficients(kernels);
  const int64_t la = w.size(0);
  // Along b first (small: [la, nb, C, C]), then rows of a in chunks.
  const at::Tensor along_b =
      at::einsum("yj,ajcd->aycd", {fourier_series_basis(nb, w.size(1)), w}).reshape({la, -1});
  const at::Tensor basis_a = fourier_series_basis(na, la);

  // G is positive semi-definite, so its largest eigenvalue is at most its trace: pixels whose
  // trace is below the crop would be cropped anyway and are not decomposed (weight 0 there).
  const double crop = options.crop_value();
  at::Tensor maps = at::zeros({na * nb, coils}, at::kComplexFloat);
  at::Tensor weight = at::zeros({na * nb}, at::kFloat);
  const int64_t rows = std::max<int64_t>(1, options.pixel_chunk() / nb);
  for (int64_t a0 = 0; a0 < na; a0 += rows) {
    const int64_t n = std::min(rows, na - a0);
    const at::Tensor g =
        at::matmul(basis_a.narrow(0, a0, n), along_b).reshape({n * nb, coils, coils});
    const at::Tensor trace = at::real(g.diagonal(0, 1, 2).sum(1));
    const at::Tensor pixels = at::nonzero(trace >= crop).squeeze(1);
    if (pixels.numel() == 0) continue;
    // Single precision is ample for C×C problems and faster.
    const auto [values, vectors] = at::linalg_eigh(g.index_select(0, pixels).to(at::kComplexFloat));
    maps.index_copy_(0, pixels + a0 * nb, vectors.select(2, coils - 1));  // largest: the last
    weight.index_copy_(0, pixels + a0 * nb, values.select(1, coils - 1));
  }
  return {maps.transpose(0, 1).reshape({coils, na, nb}), weight.reshape({na, nb})};
}

}  // namespace melrecon::calib

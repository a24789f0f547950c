#include "calib/espirit_operator.h"

#include <ATen/ATen.h>

#include <cmath>

namespace melrecon::calib {

at::Tensor calibration_gram(const at::Tensor& calib, int64_t ka, int64_t kb) {
  const int64_t coils = calib.size(0);
  // Rows a_r: [C, ra, rb, ka, kb] patches -> [R, C·ka·kb], column index (c, p_a, p_b).
  const at::Tensor rows = calib.to(at::kComplexDouble)
                              .unfold(1, ka, 1)
                              .unfold(2, kb, 1)
                              .permute({1, 2, 0, 3, 4})
                              .reshape({-1, coils * ka * kb});
  return at::matmul(rows.transpose(0, 1), rows.conj());
}

at::Tensor signal_kernels(const at::Tensor& gram, int64_t coils, int64_t ka, int64_t kb,
                          double floor) {
  const auto [values, vectors] = at::linalg_eigh(gram);  // ascending
  const int64_t kept = values.gt(floor).sum().item<int64_t>();
  const int64_t total = vectors.size(1);
  return vectors.narrow(1, total - kept, kept).transpose(0, 1).reshape({kept, coils, ka, kb});
}

at::Tensor operator_coefficients(const at::Tensor& kernels) {
  const int64_t ka = kernels.size(2);
  const int64_t kb = kernels.size(3);
  const int64_t la = 2 * ka - 1;
  const int64_t lb = 2 * kb - 1;
  // No signal kernels: an empty sum (and MKL's FFT rejects an empty batch).
  if (kernels.size(0) == 0) {
    const int64_t coils = kernels.size(1);
    return at::zeros({la, lb, coils, coils}, kernels.options());
  }
  // h_n(f) = Σ_p v_n(p) exp(+i2π p f / L) on an L-point grid: L >= 2k−1, so the products below
  // hold the full autocorrelation without wrap-around.
  const at::Tensor padded = at::constant_pad_nd(kernels, {0, lb - kb, 0, la - ka});
  const at::Tensor h = at::fft_ifftn(padded, c10::nullopt, {-2, -1}, "forward");
  const at::Tensor gram = at::einsum("ncab,ndab->abcd", {h, h.conj()});
  const at::Tensor w =
      at::fft_fftn(gram, c10::nullopt, {0, 1}, "backward") / static_cast<double>(la * lb * ka * kb);
  return at::fft_fftshift(w, {0, 1});
}

at::Tensor fourier_series_basis(int64_t n, int64_t l) {
  const auto opts = at::TensorOptions().dtype(at::kDouble);
  const at::Tensor x = at::arange(n, opts) - static_cast<double>(n / 2);
  const at::Tensor delta = at::arange(l, opts) - static_cast<double>((l - 1) / 2);
  const at::Tensor phase = at::outer(x, delta) * (2.0 * M_PI / static_cast<double>(n));
  return at::polar(at::ones_like(phase), phase);
}

}  // namespace melrecon::calib

#include "calib/phase_reference.h"

#include <ATen/ATen.h>

namespace melrecon::calib {

at::Tensor virtual_coil(const at::Tensor& calib) {
  const int64_t coils = calib.size(1);
  const at::Tensor data = calib.transpose(0, 1).reshape({coils, -1}).to(at::kComplexDouble);
  const at::Tensor covariance = at::matmul(data, data.conj().transpose(0, 1));
  const auto [values, vectors] = at::linalg_eigh(covariance);
  if (values[-1].item<double>() <= 0) {
    return at::one_hot(at::zeros({}, at::kLong), coils).to(at::kComplexDouble);
  }
  const at::Tensor u = vectors.select(1, coils - 1);
  const at::Tensor largest = u[u.abs().argmax()];
  return u * (largest.conj() / largest.abs());
}

void align_phase_(at::Tensor& maps, const at::Tensor& u) {
  // r = uᴴs per pixel as one [1, C] × [C, pixels] product: no temporary of the maps' size.
  const int64_t coils = maps.size(0);
  const at::Tensor u_row = u.conj().to(maps.scalar_type()).unsqueeze(0);
  const at::Tensor r = at::matmul(u_row, maps.reshape({coils, -1})).reshape(maps.sizes().slice(1));
  const at::Tensor magnitude = r.abs();
  const at::Tensor rotation =
      at::where(magnitude > 0, r.conj() / magnitude.clamp_min(1e-30), at::ones_like(r));
  maps.mul_(rotation.unsqueeze(0));
}

}  // namespace melrecon::calib

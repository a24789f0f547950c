#include "calib/phase_reference.h"

#include <ATen/ATen.h>

#include <vector>

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
  std::vector<int64_t> shape(maps.dim(), 1);
  shape[0] = u.size(0);
  const at::Tensor r = (maps * u.conj().reshape(shape).to(maps.scalar_type())).sum(0);
  const at::Tensor magnitude = r.abs();
  const at::Tensor rotation =
      at::where(magnitude > 0, r.conj() / magnitude.clamp_min(1e-30), at::ones_like(r));
  maps.mul_(rotation.unsqueeze(0));
}

}  // namespace melrecon::calib

#include "solvers/linear_operator.h"

#include <ATen/ATen.h>

#include <vector>

namespace melrecon::solvers {

at::Tensor batch_dot(const at::Tensor& a, const at::Tensor& b) {
  return (a.conj() * b).flatten(1).sum(1);
}

at::Tensor batch_norm_sq(const at::Tensor& a) {
  const at::Tensor flat = a.flatten(1);
  return a.is_complex() ? at::view_as_real(flat).pow(2).sum({1, 2}) : flat.pow(2).sum(1);
}

at::Tensor per_example(const at::Tensor& s, int64_t rank) {
  if (s.dim() == 0) return s;
  std::vector<int64_t> shape(rank, 1);
  shape[0] = s.size(0);
  return s.reshape(shape);
}

}  // namespace melrecon::solvers

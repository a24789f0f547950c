#include "solvers/linear_operator.h"

#include <ATen/ATen.h>

#include <vector>

namespace melrecon::solvers {

namespace {

at::Tensor real_view(const at::Tensor& t) {
  return t.is_complex() ? at::view_as_real(t.resolve_conj()) : t;
}

}  // namespace

at::Tensor batch_real_dot(const at::Tensor& a, const at::Tensor& b) {
  const int64_t n = a.size(0);
  return at::bmm(real_view(a).reshape({n, 1, -1}), real_view(b).reshape({n, -1, 1})).reshape({n});
}

at::Tensor batch_norm_sq(const at::Tensor& a) { return batch_real_dot(a, a); }

at::Tensor per_example(const at::Tensor& s, int64_t rank) {
  if (s.dim() == 0) return s;
  std::vector<int64_t> shape(rank, 1);
  shape[0] = s.size(0);
  return s.reshape(shape);
}

}  // namespace melrecon::solvers

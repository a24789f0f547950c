#include "nn/replicate_pad.h"

#include <ATen/ATen.h>

namespace melrecon::nn {

at::Tensor replicate_pad(const at::Tensor& x, int64_t dim, int64_t p) {
  if (p == 0) return x;
  const int64_t n = x.size(dim);
  std::vector<int64_t> edge_shape = x.sizes().vec();
  edge_shape[dim] = p;
  return at::cat(
      {x.narrow(dim, 0, 1).expand(edge_shape), x, x.narrow(dim, n - 1, 1).expand(edge_shape)}, dim);
}

}  // namespace melrecon::nn

namespace melrecon::nn {

at::Tensor replicate_pad_adjoint(const at::Tensor& grad, int64_t dim, int64_t p) {
  if (p == 0) return grad;
  const int64_t n = grad.size(dim) - 2 * p;
  at::Tensor inner = grad.narrow(dim, p, n).clone();
  inner.narrow(dim, 0, 1).add_(grad.narrow(dim, 0, p).sum(dim, /*keepdim=*/true));
  inner.narrow(dim, n - 1, 1).add_(grad.narrow(dim, p + n, p).sum(dim, /*keepdim=*/true));
  return inner;
}

}  // namespace melrecon::nn

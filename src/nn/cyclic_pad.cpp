#include "nn/cyclic_pad.h"

#include <ATen/ATen.h>

namespace melrecon::nn {

at::Tensor cyclic_pad(const at::Tensor& x, int64_t dim, int64_t p) {
  if (p == 0) return x;
  const int64_t n = x.size(dim);
  const at::Tensor index =
      at::arange(-p, n + p, x.options().dtype(at::kLong)).remainder(n);  // remainder: ≥ 0
  return x.index_select(dim, index);
}

}  // namespace melrecon::nn

#include "nn/cyclic_pad.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <vector>

namespace melrecon::nn {

at::Tensor cyclic_pad(const at::Tensor& x, int64_t dim, int64_t p) {
  if (p == 0) return x;
  const int64_t n = x.size(dim);
  // Runs of consecutive source slices, from (−p) mod n on; concatenated views keep x's memory
  // format (channels-last activations stay so for the convolution that follows).
  std::vector<at::Tensor> runs;
  for (int64_t start = ((-p % n) + n) % n, left = n + 2 * p; left > 0; start = 0) {
    const int64_t take = std::min(n - start, left);
    runs.push_back(x.narrow(dim, start, take));
    left -= take;
  }
  return at::cat(runs, dim);
}

}  // namespace melrecon::nn

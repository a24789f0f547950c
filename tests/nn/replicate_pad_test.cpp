#include "nn/replicate_pad.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <vector>

#include "support/test_support.h"

namespace melrecon::nn {
namespace {

TEST(ReplicatePad, AdjointMatchesTheInnerProduct) {
  // ⟨pad(x), g⟩ = ⟨x, padᴴ(g)⟩ along each axis, in float64
  for (int64_t dim : {0, 1, 2}) {
    SCOPED_TRACE(::testing::Message() << "dim " << dim);
    std::vector<int64_t> padded{2, 5, 4};
    padded[dim] += 2 * 2;
    test_support::expect_adjoint(
        [&](const at::Tensor& x) { return replicate_pad(x, dim, 2); },
        [&](const at::Tensor& g) { return replicate_pad_adjoint(g, dim, 2); }, {2, 5, 4}, padded,
        1e-13, at::kDouble);
  }
}

}  // namespace
}  // namespace melrecon::nn

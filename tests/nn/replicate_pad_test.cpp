#include "nn/replicate_pad.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <vector>

#include "support/test_support.h"

namespace melrecon::nn {
namespace {

TEST(ReplicatePad, CopiesTheEdgeSlices) {
  // Each padded position holds the slice at its index clamped into the tensor.
  const at::Tensor x = at::randn({2, 5, 4}, at::kDouble);
  for (int64_t dim : {0, 1, 2}) {
    SCOPED_TRACE(::testing::Message() << "dim " << dim);
    const at::Tensor index = at::arange(-2, x.size(dim) + 2).clamp(0, x.size(dim) - 1);
    EXPECT_TRUE(at::equal(replicate_pad(x, dim, 2), x.index_select(dim, index)));
  }
  EXPECT_TRUE(at::equal(replicate_pad(x, 1, 0), x));
}

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

#include "nn/replicate_pad.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

namespace melrecon::nn {
namespace {

TEST(ReplicatePad, AdjointMatchesTheInnerProduct) {
  const at::Tensor x = at::randn({2, 5, 4}, at::kDouble);
  const at::Tensor g = at::randn({2, 5 + 2 * 2, 4}, at::kDouble);
  // ⟨pad(x), g⟩ = ⟨x, padᴴ(g)⟩
  const double lhs = (replicate_pad(x, 1, 2) * g).sum().item<double>();
  const double rhs = (x * replicate_pad_adjoint(g, 1, 2)).sum().item<double>();
  EXPECT_NEAR(lhs, rhs, 1e-12 * std::abs(lhs));
}

}  // namespace
}  // namespace melrecon::nn

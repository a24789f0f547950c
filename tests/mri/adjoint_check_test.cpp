// The adjoint test used throughout the suite must be able to fail: a zero map, a zero adjoint
// and a wrong adjoint are all caught.
#include <ATen/ATen.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace melrecon {
namespace {

at::Tensor doubled(const at::Tensor& v) { return 2.0 * v; }
at::Tensor zero(const at::Tensor& v) { return at::zeros_like(v); }

TEST(AdjointCheck, PassesForAMatchingPair) {
  test_support::expect_adjoint(doubled, doubled, {4, 3}, {4, 3}, 1e-13);
}

TEST(AdjointCheck, FailsForAZeroMapOrAdjoint) {
  EXPECT_FATAL_FAILURE(test_support::expect_adjoint(zero, zero, {4, 3}, {4, 3}, 1e-13),
                       "forward(x) is zero");
  EXPECT_FATAL_FAILURE(test_support::expect_adjoint(doubled, zero, {4, 3}, {4, 3}, 1e-13),
                       "adjoint(y) is zero");
}

TEST(AdjointCheck, FailsForAWrongAdjoint) {
  // For complex data the adjoint of multiplication by i is multiplication by -i.
  EXPECT_NONFATAL_FAILURE(test_support::expect_adjoint(
                              [](const at::Tensor& v) { return v * c10::complex<double>(0, 1); },
                              [](const at::Tensor& v) { return v * c10::complex<double>(0, 1); },
                              {4, 3}, {4, 3}, 1e-13),
                          "<A x, y>");
}

}  // namespace
}  // namespace melrecon

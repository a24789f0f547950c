#include "core/complex_views.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "support/test_support.h"

namespace melrecon::core {
namespace {

TEST(ComplexViews, RoundTripIsExactAndChannelsAreRealImag) {
  const at::Tensor x = test_support::random_complex({2, 3, 4, 5}, 1);
  const at::Tensor ch = complex_to_channels(x);
  ASSERT_EQ(ch.sizes(), (std::vector<int64_t>{2, 2, 3, 4, 5}));
  EXPECT_TRUE(at::equal(ch.select(1, 0), at::real(x)));
  EXPECT_TRUE(at::equal(ch.select(1, 1), at::imag(x)));
  EXPECT_TRUE(at::equal(channels_to_complex(ch), x));
}

TEST(ComplexViews, GradientsFlowThroughBothDirections) {
  const at::Tensor x = test_support::random_complex({1, 3, 3}, 2).requires_grad_();
  const at::Tensor y = channels_to_complex(complex_to_channels(x) * 2.0);
  at::real(y * y.conj()).sum().backward();
  // d/dx* of Σ|2x|² is 8x (PyTorch's convention for real losses of complex inputs)
  EXPECT_LT(test_support::relative_error(x.grad(), 8.0 * x.detach()), 1e-12);
}

// Only melrecon's own code calls these: a wrong input is a bug, and says so.
TEST(ComplexViews, WrongInputsAreInternalErrors) {
  EXPECT_THROW(complex_to_channels(at::ones({2, 3})), InternalError);
  EXPECT_THROW(channels_to_complex(at::ones({2, 3, 4})), InternalError);
}

}  // namespace
}  // namespace melrecon::core

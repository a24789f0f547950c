#include "nn/cyclic_pad.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

namespace melrecon::nn {
namespace {

TEST(CyclicPad, PaddedIndexReadsTheSliceModuloTheLength) {
  // Widths below, equal to and beyond the length (wrapping twice and more), along each dim.
  const at::Tensor x = at::randn({3, 5, 4}, at::kDouble);
  for (int64_t dim : {0, 1, 2}) {
    for (int64_t p : {1, 3, 5, 11}) {
      SCOPED_TRACE(::testing::Message() << "dim " << dim << " p " << p);
      const at::Tensor index = at::arange(-p, x.size(dim) + p).remainder(x.size(dim));
      EXPECT_TRUE(at::equal(cyclic_pad(x, dim, p), x.index_select(dim, index)));
    }
  }
  EXPECT_TRUE(at::equal(cyclic_pad(x, 1, 0), x));
}

TEST(CyclicPad, KeepsChannelsLastActivationsSo) {
  const at::Tensor x = at::randn({1, 4, 6, 5, 3}).contiguous(at::MemoryFormat::ChannelsLast3d);
  const at::Tensor padded = cyclic_pad(x, 2, 2);
  EXPECT_TRUE(padded.is_contiguous(at::MemoryFormat::ChannelsLast3d));
  EXPECT_EQ(padded.size(2), 10);
}

}  // namespace
}  // namespace melrecon::nn

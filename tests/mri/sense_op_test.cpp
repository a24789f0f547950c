#include "mri/sense_op.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "mri/fft.h"
#include "support/test_support.h"

namespace melrecon::mri {
namespace {

using test_support::random_complex;
using test_support::random_mask;
using test_support::relative_error;

struct Geometry {
  const char* name;
  std::vector<int64_t> kspace_shape;  // [B, C, *S]
  std::vector<int64_t> mask_shape;
  std::vector<int64_t> fft_axes;
  bool weighted_mask = false;  // complex k-space weights instead of 0/1 (|M|² differs from M)
};

// 2D; 3D full FFT; 3D with the readout (first axis) already transformed, so a 2D FFT per
// slice and a mask constant along it; cine with a mask per frame and a 2D FFT per frame.
const std::vector<Geometry> kGeometries = {
    {"2d", {2, 4, 12, 10}, {1, 1, 12, 10}, {}},
    {"3d", {1, 3, 6, 8, 10}, {1, 1, 6, 8, 1}, {}},
    {"3d_per_slice", {2, 3, 5, 8, 6}, {1, 1, 1, 8, 6}, {1, 2}},
    {"cine", {1, 3, 5, 8, 6}, {1, 1, 5, 8, 6}, {1, 2}},
    {"2d_weighted", {2, 4, 12, 10}, {1, 1, 12, 10}, {}, true},
};

void PrintTo(const Geometry& g, std::ostream* os) { *os << g.name; }

class SenseOpGeometry : public ::testing::TestWithParam<Geometry> {};

SenseOp make_op(const Geometry& g, int64_t coil_chunk = 0) {
  const at::Tensor maps = random_complex(g.kspace_shape, 11);
  const at::Tensor mask =
      g.weighted_mask ? random_complex(g.mask_shape, 12) : random_mask(g.mask_shape, 12);
  return SenseOp(maps, mask, SenseOptions().fft_axes(g.fft_axes).coil_chunk(coil_chunk));
}

std::vector<int64_t> image_shape(const Geometry& g) {
  std::vector<int64_t> s = g.kspace_shape;
  s.erase(s.begin() + 1);
  return s;
}

TEST_P(SenseOpGeometry, AdjointTest) {
  const Geometry& g = GetParam();
  const SenseOp op = make_op(g);
  test_support::expect_adjoint([&](const at::Tensor& x) { return op.forward(x); },
                               [&](const at::Tensor& y) { return op.adjoint(y); }, image_shape(g),
                               g.kspace_shape, 1e-12);
}

TEST_P(SenseOpGeometry, NormalIsAdjointOfForwardAndCoilChunkingChangesNothing) {
  const Geometry& g = GetParam();
  const at::Tensor x = random_complex(image_shape(g), 3);
  const SenseOp op = make_op(g);
  const at::Tensor y = op.forward(x);
  const at::Tensor reference = op.adjoint(y);
  EXPECT_LT(relative_error(op.normal(x), reference), 1e-12) << g.name;
  for (int64_t chunk : {1, 2}) {
    for (const SenseOp& chunked : {make_op(g, chunk), op.with_coil_chunk(chunk)}) {
      EXPECT_EQ(chunked.options().coil_chunk(), chunk);
      EXPECT_LT(relative_error(chunked.normal(x), reference), 1e-12)
          << g.name << " chunk " << chunk;
      EXPECT_LT(relative_error(chunked.adjoint(y), reference), 1e-12)
          << g.name << " chunk " << chunk;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllGeometries, SenseOpGeometry, ::testing::ValuesIn(kGeometries),
                         [](const auto& info) { return std::string(info.param.name); });

// Cine maps stored without the TIME dimension: one set of maps for every frame, broadcast; the
// operator equals the one with the maps copied to each frame, with or without coil chunks.
TEST(SenseOp, MapsOfOneFrameBroadcastOverCineFrames) {
  const at::Tensor maps = random_complex({1, 3, 1, 8, 6}, 31);
  const at::Tensor mask = random_mask({1, 1, 5, 8, 6}, 32);
  const auto options = SenseOptions().fft_axes({1, 2});
  const SenseOp one(maps, mask, options),
      copied(maps.expand({1, 3, 5, 8, 6}).contiguous(), mask, options);
  const at::Tensor x = random_complex({1, 5, 8, 6}, 33);
  const at::Tensor y = random_complex({1, 3, 5, 8, 6}, 34);
  EXPECT_LT(relative_error(one.forward(x), copied.forward(x)), 1e-14);
  EXPECT_LT(relative_error(one.adjoint(y), copied.adjoint(y)), 1e-14);
  EXPECT_LT(relative_error(one.normal(x), copied.normal(x)), 1e-14);
  EXPECT_LT(relative_error(one.with_coil_chunk(2).normal(x), copied.normal(x)), 1e-14);
  test_support::expect_adjoint([&](const at::Tensor& v) { return one.forward(v); },
                               [&](const at::Tensor& v) { return one.adjoint(v); }, {1, 5, 8, 6},
                               {1, 3, 5, 8, 6}, 1e-12);
}

TEST(SenseOp, EvenAndOddSizesGiveTheCenteredFft) {
  // Even sizes use the checkerboard form of the centered FFT, odd sizes explicit shifts; both
  // must equal M·fftc(S·x) computed directly.
  for (const std::vector<int64_t>& shape :
       {std::vector<int64_t>{1, 2, 8, 6}, std::vector<int64_t>{1, 2, 7, 6},
        std::vector<int64_t>{1, 2, 9, 5}}) {
    const at::Tensor maps = random_complex(shape, 1);
    const at::Tensor mask = random_mask({1, 1, shape[2], shape[3]}, 2);
    const at::Tensor x = random_complex({1, shape[2], shape[3]}, 3);
    const SenseOp op(maps, mask);
    EXPECT_LT(relative_error(op.forward(x), mask * fftc(maps * x.unsqueeze(1), {-2, -1})), 1e-13);
    EXPECT_LT(relative_error(op.maps(), maps), 1e-15);
  }
}

TEST(SenseOp, PerSliceFftEqualsA2dOperatorOnEachSlice) {
  const at::Tensor maps = random_complex({1, 3, 4, 8, 6}, 21);
  const at::Tensor mask = random_mask({1, 1, 1, 8, 6}, 22);
  const at::Tensor x = random_complex({1, 4, 8, 6}, 23);
  const at::Tensor k = SenseOp(maps, mask, SenseOptions().fft_axes({1, 2})).forward(x);
  for (int64_t z = 0; z < 4; ++z) {
    const SenseOp slice(maps.select(2, z), mask.select(2, 0));
    EXPECT_LT(relative_error(k.select(2, z), slice.forward(x.select(1, z))), 1e-12);
  }
}

TEST(SenseOp, CoilChunksTakeTheirPartOfAPerCoilMask) {
  const at::Tensor maps = random_complex({1, 5, 8, 6}, 24);
  const at::Tensor mask = random_mask({1, 5, 8, 6}, 25);  // a different pattern per coil
  const at::Tensor x = random_complex({1, 8, 6}, 26);
  const SenseOp op(maps, mask);
  const at::Tensor k = op.forward(x);
  for (int64_t chunk : {2, 3}) {
    const SenseOp chunked = op.with_coil_chunk(chunk);
    EXPECT_LT(relative_error(chunked.normal(x), op.normal(x)), 1e-12) << chunk;
    EXPECT_LT(relative_error(chunked.adjoint(k), op.adjoint(k)), 1e-12) << chunk;
  }
}

TEST(Fft, CenteredOrthonormalRoundTrip) {
  const at::Tensor x = random_complex({2, 7, 8}, 31);
  const at::Tensor k = fftc(x, {-2, -1});
  EXPECT_NEAR(k.norm().item<double>(), x.norm().item<double>(), 1e-10);
  EXPECT_LT(relative_error(ifftc(k, {-2, -1}), x), 1e-12);
  // Centered: a constant image has all its energy at the centre sample (N/2).
  const at::Tensor ones = at::ones({1, 8, 8}, at::kComplexDouble);
  EXPECT_NEAR(fftc(ones, {-2, -1})[0][4][4].abs().item<double>(), 8.0, 1e-12);
}

TEST(SenseOp, ShapeErrorsAreReported) {
  EXPECT_THROW(SenseOp(random_complex({4, 4}, 1), {}), core::Error);
  EXPECT_THROW(SenseOp(random_complex({1, 2, 4, 4}, 1), at::ones({1, 1, 5, 4})), core::Error);
  EXPECT_THROW(SenseOp(random_complex({1, 2, 4, 4}, 1), {}, SenseOptions().fft_axes({2})),
               core::Error);
}

}  // namespace
}  // namespace melrecon::mri

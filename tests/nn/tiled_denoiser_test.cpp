// The tiled denoiser is the untiled one: residuals and gradients (input and every parameter)
// agree to float round-off for 2D, 3D and (2+1)D CNNs, zero and replicate padding, tiles that
// do not divide the image, tiles larger than it, and slice-wise application.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <iostream>
#include <string>

#include "core/error.h"
#include "nn/denoiser.h"
#include "nn/tiled_apply.h"
#include "support/residual_gradients.h"
#include "support/test_support.h"

namespace melrecon::nn {
namespace {

struct TileCase {
  std::string name;
  ConvKind kind;
  std::vector<int64_t> image_shape;  // [B, *S]
  std::vector<int64_t> tile;
  bool slice_wise = false;
  std::vector<int64_t> depth_dilation = {};  // per layer; empty: 1
  bool cyclic_depth = false;
};

std::vector<TileCase> tile_cases() {
  return {
      {"2d_uneven", ConvKind::conv2d, {2, 23, 19}, {8, 7}},
      {"2d_one_axis", ConvKind::conv2d, {1, 20, 17}, {0, 6}},
      {"2d_single_tile", ConvKind::conv2d, {1, 12, 10}, {64, 10}},
      {"3d_uneven", ConvKind::conv3d, {1, 7, 13, 11}, {3, 5, 4}},
      {"3d_single_tile", ConvKind::conv3d, {1, 4, 6, 5}, {4, 32, 32}},
      {"2p1d_uneven", ConvKind::conv2p1d, {1, 9, 12, 10}, {4, 5, 0}},
      // Halos of 1 + 2 + 3 slices along the depth: tiles of 3 read two tiles beyond their own.
      {"3d_dilated", ConvKind::conv3d, {1, 11, 9, 8}, {3, 4, 0}, false, {1, 2, 3}},
      {"2p1d_dilated", ConvKind::conv2p1d, {1, 10, 8, 9}, {4, 0, 5}, false, {3, 1, 2}},
      // Cyclic along T, tiled in-plane only.
      {"3d_cyclic", ConvKind::conv3d, {1, 6, 11, 9}, {0, 4, 5}, false, {2, 1, 3}, true},
      {"slice_wise", ConvKind::conv2d, {2, 5, 12, 10}, {2, 5, 4}, true},
  };
}

Denoiser make(const TileCase& c, bool replicate, std::vector<int64_t> tile, c10::ScalarType dtype) {
  at::manual_seed(11);
  Denoiser d(DenoiserOptions()
                 .cnn(ResidualCnnOptions()
                          .kind(c.kind)
                          .num_layers(3)
                          .features(5)
                          .depth_dilation(c.depth_dilation)
                          .cyclic_depth(c.cyclic_depth)
                          .replicate_padding(replicate))
                 .slice_wise(c.slice_wise)
                 .tile(std::move(tile)));
  d->to(dtype);
  return d;
}

class TiledDenoiser : public ::testing::TestWithParam<TileCase> {};

TEST_P(TiledDenoiser, EqualsUntiledOutputAndGradients) {
  const TileCase& c = GetParam();
  for (const auto& [dtype, tol] : {std::pair{at::kFloat, 1e-6}, std::pair{at::kDouble, 1e-13}}) {
    for (bool replicate : {false, true}) {
      const std::string what =
          c.name + (replicate ? " replicate " : " zeros ") + c10::toString(dtype);
      Denoiser plain = make(c, replicate, {}, dtype);
      Denoiser tiled = make(c, replicate, c.tile, dtype);
      ASSERT_FALSE(tiled->tile_dims().empty());
      const auto complex = c10::toComplexType(dtype);
      const at::Tensor x = test_support::random_complex(c.image_shape, 1, complex);
      const at::Tensor probe = test_support::random_complex(c.image_shape, 2, complex);
      // The residual R_w alone (not x + R_w): what tiling changes, compared without x's help.
      const auto a = test_support::residual_gradients(plain, x, probe);
      const auto b = test_support::residual_gradients(tiled, x, probe);
      double worst = test_support::relative_error(b.residual, a.residual);
      EXPECT_LT(worst, tol) << what << ": residual";
      ASSERT_EQ(a.grads.size(), b.grads.size());
      for (size_t i = 0; i < a.grads.size(); ++i) {
        const double e = test_support::relative_error(b.grads[i], a.grads[i]);
        worst = std::max(worst, e);
        EXPECT_LT(e, tol) << what << ": gradient "
                          << (i == 0 ? "of the input" : "of parameter " + std::to_string(i));
      }
      std::cout << what << ": largest relative difference " << worst << "\n";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, TiledDenoiser, ::testing::ValuesIn(tile_cases()),
                         [](const auto& info) { return info.param.name; });

TEST(TiledDenoiser, HaloIsTheReceptiveFieldRadiusPerAxis) {
  const TileCase c2p1{"", ConvKind::conv2p1d, {}, {4, 5, 6}};
  Denoiser d = make(c2p1, false, c2p1.tile, at::kFloat);
  ASSERT_EQ(d->tile_dims().size(), 3u);
  // 3 (2+1)D layers: a 1x3x3 and a 3x1x1 convolution each, so radius 3 along every axis.
  for (const TileDim& t : d->tile_dims()) EXPECT_EQ(t.halo, 3);
  ResidualCnn cnn(ResidualCnnOptions().kind(ConvKind::conv3d).num_layers(5).kernel_size(5));
  EXPECT_EQ(cnn->receptive_radius(), (std::vector<int64_t>{10, 10, 10}));
  // Depth dilations widen the halo along Z|T alone: 1 + 2 + 4 + 8 + 1 slices.
  ResidualCnn dilated(ResidualCnnOptions().kind(ConvKind::conv3d).depth_dilation({1, 2, 4, 8, 1}));
  EXPECT_EQ(dilated->receptive_radius(), (std::vector<int64_t>{16, 5, 5}));
  ResidualCnn dilated_2p1(
      ResidualCnnOptions().kind(ConvKind::conv2p1d).num_layers(2).depth_dilation({3, 5}));
  EXPECT_EQ(dilated_2p1->receptive_radius(), (std::vector<int64_t>{8, 2, 2}));
}

TEST(TiledDenoiser, CutsIntoTheExpectedNumberOfTiles) {
  // 23 = 8 + 8 + 7 rows, 19 = 7 + 7 + 5 columns: 9 tiles, the last ones smaller.
  EXPECT_EQ(tile_count({2, 2, 23, 19}, {{2, 8, 3}, {3, 7, 3}}), 9);
  EXPECT_EQ(tile_count({2, 2, 12, 10}, {{2, 64, 3}}), 1);
}

TEST(TiledDenoiser, RejectsTileSizesThatDoNotFitTheImageRank) {
  const TileCase c{"", ConvKind::conv2d, {}, {}};
  EXPECT_THROW(make(c, false, {4, 4, 4}, at::kFloat), core::Error);
  EXPECT_THROW(make(c, false, {-1, 4}, at::kFloat), core::Error);
}

}  // namespace
}  // namespace melrecon::nn

// The scale keys of the configuration reach the network: tile sizes with their halos, the coil
// chunk, the CNN's compute dtype; a tile list that does not fit the data is named in the error.
#include "train/model_factory.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "support/expect_error.h"

namespace melrecon::train {
namespace {

TEST(ModelFactory, ScaleKeysReachTheNetwork) {
  ModelConfig m;
  m.tile = {0, 32, 24};
  m.coil_chunk = 3;
  m.precision = nn::Precision::bfloat16;
  m.layers = 4;
  const modl::ModlOptions o = modl_options(m, io::DataKind::volume3d);
  EXPECT_EQ(o.coil_chunk(), 3);
  EXPECT_EQ(o.denoiser().tile(), m.tile);
  EXPECT_EQ(o.denoiser().cnn().compute_dtype(), c10::kBFloat16);
  const nn::Denoiser d(o.denoiser());
  ASSERT_EQ(d->tile_dims().size(), 2u);  // Y and X of [B, 2, Z, Y, X]; Z not cut
  EXPECT_EQ(d->tile_dims()[0].dim, 3);
  EXPECT_EQ(d->tile_dims()[0].halo, 4);  // 4 layers of 3x3x3
  EXPECT_FALSE(nn::compute_dtype_of(nn::Precision::float32).has_value());
  EXPECT_EQ(nn::compute_dtype_of(nn::Precision::float16), c10::kHalf);
}

TEST(ModelFactory, UNetReplacesTheCnn) {
  ModelConfig m;
  m.net = NetKind::unet;
  m.unet_levels = 3;
  m.features = 8;
  const nn::Denoiser d(modl_options(m, io::DataKind::volume3d).denoiser());
  const auto params = d->named_parameters();
  // 2 convolutions per level, the bottleneck and the decoder, and the final 1x1 one.
  EXPECT_EQ(params.size(), 2u * (2 * 3 + 2 + 2 * 3 + 1));
  EXPECT_EQ(params["cnn.convs.0.weight"].sizes(), (std::vector<int64_t>{8, 2, 3, 3, 3}));
  EXPECT_EQ(params["cnn.convs.6.weight"].sizes(), (std::vector<int64_t>{64, 32, 3, 3, 3}));
}

TEST(ModelFactory, DepthKeysReachTheCnnAndNeedADepthAxis) {
  ModelConfig m;
  m.depth_dilation = {1, 2, 4, 8, 1};
  m.tile = {8, 0, 0};
  const nn::Denoiser d(modl_options(m, io::DataKind::cine).denoiser());
  ASSERT_EQ(d->tile_dims().size(), 1u);
  EXPECT_EQ(d->tile_dims()[0].halo, 16);  // T reaches 1 + 2 + 4 + 8 + 1 frames
  m.tile.clear();
  m.cyclic_depth = true;
  EXPECT_TRUE(modl_options(m, io::DataKind::cine).denoiser().cnn().cyclic_depth());
  for (const auto& [kind, dims] : {std::pair{io::DataKind::image2d, NetDims::automatic},
                                   std::pair{io::DataKind::cine, NetDims::slice_wise}}) {
    m.dims = dims;
    test_support::expect_error<core::Error>([&] { modl_options(m, kind); }, "model.depth_dilation",
                                            "this network's are 2D");
    m.depth_dilation.clear();
    test_support::expect_error<core::Error>([&] { modl_options(m, kind); }, "model.cyclic_depth",
                                            "this network's are 2D");
    m.depth_dilation = {1, 2, 4, 8, 1};
  }
}

TEST(ModelFactory, TileListMustFitTheData) {
  ModelConfig m;
  m.tile = {32, 32, 32};
  test_support::expect_error<core::Error>([&] { modl_options(m, io::DataKind::image2d); },
                                          "model.tile", "needs 2 sizes for 2d data");
}

}  // namespace
}  // namespace melrecon::train

#include "train/train_config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "support/expect_error.h"
#include "support/test_support.h"

namespace melrecon::train {
namespace {

template <typename Fn>
std::string error_of(Fn fn) {
  try {
    fn();
  } catch (const core::Error& e) {
    return e.what();
  }
  return "";
}

TEST(TrainConfig, FileThenOverridesAndRoundTrip) {
  const std::string dir = test_support::temp_dir("train_config");
  std::ofstream(dir + "/c.json")
      << R"({"model": {"unrolls": 7, "conv": "2+1d"}, "optim": {"lr": 0.002}})";
  const TrainConfig c =
      load_config(dir + "/c.json", {"model.unrolls=9", "optim.loss=ssim", "run.tensorboard=true"});
  EXPECT_EQ(c.model.unrolls, 9);
  EXPECT_EQ(c.model.conv, nn::ConvKind::conv2p1d);
  EXPECT_DOUBLE_EQ(c.optim.lr, 0.002);
  EXPECT_EQ(c.optim.loss, LossKind::ssim);
  EXPECT_TRUE(c.run.tensorboard);
  EXPECT_EQ(c.model.features, 64);  // default kept
  const TrainConfig back = from_json(to_json(c), "round trip");
  EXPECT_EQ(to_json(back), to_json(c));
}

TEST(TrainConfig, ErrorsNameTheFileAndKey) {
  const std::string dir = test_support::temp_dir("train_config_errors");
  std::ofstream(dir + "/typo.json") << R"({"model": {"unrols": 7}})";
  EXPECT_NE(error_of([&] {
              load_config(dir + "/typo.json", {});
            }).find("typo.json: unknown key 'model.unrols'"),
            std::string::npos);
  std::ofstream(dir + "/type.json") << R"({"model": {"unrolls": "ten"}})";
  EXPECT_NE(error_of([&] {
              load_config(dir + "/type.json", {});
            }).find("'model.unrolls' must be an integer"),
            std::string::npos);
  std::ofstream(dir + "/bad.json") << "{";
  EXPECT_NE(error_of([&] { load_config(dir + "/bad.json", {}); }).find("bad.json: not valid JSON"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              load_config("", {"optim.strategy=magic"});
            }).find("'optim.strategy' is 'magic'"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              load_config("", {"model.unrolls=1.5"});
            }).find("override 'model.unrolls=1.5'"),
            std::string::npos);
  EXPECT_NE(error_of([&] { load_config("", {"nonsense"}); }).find("expected section.key=value"),
            std::string::npos);
  EXPECT_NE(
      error_of([&] { load_config("", {"optim.strategy=mel-invertible"}); }).find("model.lipschitz"),
      std::string::npos);
}

TEST(TrainConfig, EveryKeyHasItsRangeAndErrorsNameWhereTheValueCameFrom) {
  // Values that used to be accepted and then trained nothing, hung or ignored the user.
  const std::vector<std::pair<std::string, std::string>> refused{
      {"model.unrolls=1000000000", "'model.unrolls' is 1000000000, expected [1, 1000]"},
      {"run.threads=100000", "'run.threads' is 100000, expected [0, 1024]"},
      {"run.threads=-1", "'run.threads' is -1, expected [0, 1024]"},
      {"model.cg_tol=-1", "'model.cg_tol' is -1, expected [0, 1)"},
      {"data.val_examples=-1", "'data.val_examples' is -1, expected [0, 1000000]"},
      {"optim.warmup_steps=-5", "'optim.warmup_steps' is -5, expected [0, 1000000000]"},
      {"optim.grad_clip=-1", "'optim.grad_clip' is -1, expected [0, 1000000000]"},
      {"model.lipschitz=-1", "'model.lipschitz' is -1, expected [0, 1)"},
      {"optim.inversion_checkpoint_every=0",
       "'optim.inversion_checkpoint_every' is 0, expected [1, 1000]"},
      {"optim.lr=0", "'optim.lr' is 0, expected (0, 10]"},
      {"optim.lr=1e39", "'optim.lr' is 1e+39, expected (0, 10]"},
      {"run.seed=-1", "'run.seed' must be 0 or more, found -1"},
      {"model.lambda=1e-50", "'model.lambda' is 1e-50, expected [1e-09, 1000000]"},
  };
  for (const auto& [override_, what] : refused) {
    test_support::expect_error<core::Error>([&] { load_config("", {override_}); },
                                            "override '" + override_ + "'", what);
  }
  // The Lipschitz bound holds with zero padding only.
  test_support::expect_error<core::Error>(
      [&] {
        load_config("", {"model.lipschitz=0.9", "model.padding=replicate"});
      },
      "model.lipschitz", "needs 'model.padding' zeros");
  // A wrong type in the file is reported with the file, not with a later override.
  const std::string dir = test_support::temp_dir("train_config_origins");
  std::ofstream(dir + "/c.json") << R"({"model": {"features": "many"}})";
  test_support::expect_error<core::Error>(
      [&] { load_config(dir + "/c.json", {"model.unrolls=3"}); }, dir + "/c.json",
      "'model.features' must be an integer");
  // A range error in the file names the file.
  std::ofstream(dir + "/r.json") << R"({"model": {"unrolls": 0}})";
  test_support::expect_error<core::Error>(
      [&] { load_config(dir + "/r.json", {"model.features=8"}); }, dir + "/r.json",
      "'model.unrolls' is 0");
  test_support::expect_error<core::Error>([&] { load_config(dir, {}); }, dir,
                                          "is a folder, not a configuration file");
}

TEST(TrainConfig, ScaleKeys) {
  const TrainConfig c = load_config("", {"model.tile=[0, 32, 32]", "model.coil_chunk=2",
                                         "model.precision=bfloat16", "optim.offload_to_host=true"});
  EXPECT_EQ(c.model.tile, (std::vector<int64_t>{0, 32, 32}));
  EXPECT_EQ(c.model.coil_chunk, 2);
  EXPECT_EQ(c.model.precision, nn::Precision::bfloat16);
  EXPECT_TRUE(c.optim.offload_to_host);
  EXPECT_EQ(to_json(from_json(to_json(c), "round trip")), to_json(c));
  EXPECT_TRUE(load_config("", {}).model.tile.empty());  // untiled by default
  const auto refused = [](const std::string& override_, const std::string& what) {
    test_support::expect_error<core::Error>([&] { load_config("", {override_}); }, "model.", what);
  };
  refused("model.tile=32", "'model.tile' must be a list of integers");
  refused("model.tile=[-1, 8]", "'model.tile' holds -1, expected each in [0, 65536]");
  refused("model.coil_chunk=-2", "'model.coil_chunk' is -2, expected [0, 4096]");
  refused("model.precision=float8", "'model.precision' is 'float8'");
  refused("model.conv3d=cudnn", "'model.conv3d' is 'cudnn'");
  refused("model.precision=float16", "float16 needs run.device cuda");
  EXPECT_EQ(load_config("", {"model.precision=float16", "run.device=cuda"}).model.precision,
            nn::Precision::float16);
}

TEST(TrainConfig, UNetKeys) {
  const TrainConfig c = load_config("", {"model.net=unet", "model.unet_levels=3"});
  EXPECT_EQ(c.model.net, NetKind::unet);
  EXPECT_EQ(c.model.unet_levels, 3);
  EXPECT_EQ(load_config("", {}).model.net, NetKind::cnn);
  const auto refused = [](std::vector<std::string> overrides, const std::string& what) {
    test_support::expect_error<core::Error>([&] { load_config("", overrides); }, "model.", what);
  };
  refused({"model.net=resnet"}, "'model.net' is 'resnet'");
  refused({"model.net=unet", "model.unet_levels=0"}, "'model.unet_levels' is 0, expected [1, 6]");
  refused({"model.net=unet", "model.tile=[0, 32, 32]"}, "not supported with model.net unet");
  refused({"model.net=unet", "model.lipschitz=0.9"}, "needs model.net cnn");
  refused({"model.net=unet", "model.conv=2+1d"}, "no '2+1d' convolutions");
  refused({"model.net=unet", "model.depth_dilation=[1, 2, 4, 2, 1]"}, "needs model.net cnn");
  refused({"model.net=unet", "model.cyclic_depth=true"}, "needs model.net cnn");
  refused({"model.cyclic_depth=true", "model.tile=[8, 0, 0]"}, "needs the Z|T axis untiled");
  EXPECT_TRUE(
      load_config("", {"model.cyclic_depth=true", "model.tile=[0, 64, 64]"}).model.cyclic_depth);
}

TEST(TrainConfig, DepthDilationHasOneValuePerLayer) {
  EXPECT_EQ(
      load_config("", {"model.depth_dilation=[1, 2, 4]", "model.layers=3"}).model.depth_dilation,
      (std::vector<int64_t>{1, 2, 4}));
  EXPECT_TRUE(load_config("", {}).model.depth_dilation.empty());
  test_support::expect_error<core::Error>([] { load_config("", {"model.depth_dilation=[1, 2]"}); },
                                          "model.depth_dilation",
                                          "has 2 values, expected one per layer (5)");
  test_support::expect_error<core::Error>(
      [] { load_config("", {"model.depth_dilation=[1, 0, 1, 1, 1]"}); }, "model.depth_dilation",
      "holds 0, expected each in [1, 1024]");
}

}  // namespace
}  // namespace melrecon::train

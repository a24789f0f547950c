// model.conv3d auto: both 3D paths are timed on the CPU and the faster kept; nothing is timed
// where there is nothing to choose; a run records its choice, and resuming it with auto keeps it.
#include "train/conv3d_choice.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "sim/simulate.h"
#include "support/test_support.h"
#include "train/trainer.h"

namespace melrecon::train {
namespace {

ModelConfig small_cnn() {
  ModelConfig m;
  m.layers = 3;
  m.features = 8;
  return m;
}

TEST(Conv3dChoice, TheFasterOfTheTwoTimedPathsIsChosen) {
  const auto t = time_conv3d_paths(small_cnn(), io::DataKind::cine, {6, 16, 16}, c10::kCPU);
  ASSERT_TRUE(t.has_value());
  EXPECT_GT(t->native_seconds, 0.0);
  EXPECT_GT(t->depth_major_seconds, 0.0);
  EXPECT_EQ(t->path, t->depth_major_seconds < t->native_seconds ? nn::Conv3dPath::depth_major
                                                                : nn::Conv3dPath::native);
}

TEST(Conv3dChoice, NothingIsTimedWhereThereIsNothingToChoose) {
  ModelConfig m = small_cnn();
  EXPECT_FALSE(time_conv3d_paths(m, io::DataKind::image2d, {16, 16}, c10::kCPU));
  EXPECT_FALSE(time_conv3d_paths(m, io::DataKind::cine, {6, 16, 16}, c10::Device("cuda:0")));
  m.dims = NetDims::slice_wise;
  EXPECT_FALSE(time_conv3d_paths(m, io::DataKind::cine, {6, 16, 16}, c10::kCPU));
  m = small_cnn();
  m.conv3d = nn::Conv3dPath::native;
  EXPECT_FALSE(time_conv3d_paths(m, io::DataKind::volume3d, {6, 16, 16}, c10::kCPU));
}

TEST(Conv3dChoice, ARunRecordsItsChoiceAndAResumeKeepsIt) {
  const std::string dir = test_support::temp_dir("conv3d_choice_run");
  sim::simulate_dataset(sim::SimulateOptions(io::DataKind::cine, {6, 16, 16}).cases(3).coils(2),
                        dir + "/data");
  const TrainConfig config =
      load_config("", {"data.train=\"" + dir + "/data\"", "model.unrolls=2", "model.cg_iters=3",
                       "model.features=4", "model.layers=3", "sampling.accel=2", "sampling.calib=4",
                       "optim.steps=4", "run.checkpoint_every=2", "run.progress=false"});
  ASSERT_EQ(config.model.conv3d, nn::Conv3dPath::automatic);
  train_model(config, TrainOptions().run_dir(dir + "/run").stop_after_steps(2));
  const TrainConfig recorded = load_run_config(dir + "/run");
  EXPECT_NE(recorded.model.conv3d, nn::Conv3dPath::automatic);
  // Resumed with the same request (auto): accepted, and the recorded path stays.
  train_model(config, TrainOptions().run_dir(dir + "/run").resume(true));
  EXPECT_EQ(load_run_config(dir + "/run").model.conv3d, recorded.model.conv3d);
}

}  // namespace
}  // namespace melrecon::train

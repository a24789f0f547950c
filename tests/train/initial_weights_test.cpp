// model.init: a new run starts from another run's weights, also with another unroll count (one
// CNN shared by all unrolls), and trains on from there; a source that does not fit is refused
// with its name.
#include "train/initial_weights.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "sim/simulate.h"
#include "support/expect_error.h"
#include "support/test_support.h"
#include "train/checkpoint.h"
#include "train/model_factory.h"
#include "train/trainer.h"

namespace melrecon::train {
namespace {

std::vector<std::string> small_run(const std::string& data, int64_t unrolls) {
  return {"data.train=\"" + data + "\"",
          "model.unrolls=" + std::to_string(unrolls),
          "model.cg_iters=3",
          "model.features=4",
          "model.layers=3",
          "sampling.accel=2",
          "sampling.calib=4",
          "optim.steps=3",
          "run.progress=false"};
}

// The weights of a run's checkpoint, in a network built from its configuration.
Network trained(const std::string& run) {
  const Network net = build_network(load_run_config(run).model, io::DataKind::image2d);
  load_checkpoint_weights(run + "/checkpoint.pt", net->module());
  return net;
}

double largest_difference(const Network& a, const Network& b) {
  double largest = 0;
  const auto pa = a->module().named_parameters();
  const auto pb = b->module().named_parameters();
  EXPECT_EQ(pa.size(), pb.size());
  for (const auto& item : pa) {
    largest = std::max(largest, (item.value() - pb[item.key()]).abs().max().item<double>());
  }
  return largest;
}

// Each test in its own folder: CTest runs the tests of this file as parallel processes.
class InitialWeights : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::temp_dir(std::string("initial_weights_") +
                                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    sim::simulate_dataset(sim::SimulateOptions(io::DataKind::image2d, {16, 16}).cases(3).coils(2),
                          dir_ + "/data");
    // One unroll, as MoDL's authors started (another seed than the runs below: its initial
    // weights are not theirs).
    std::vector<std::string> keys = small_run(dir_ + "/data", 1);
    keys.push_back("run.seed=7");
    train_model(load_config("", keys), TrainOptions().run_dir(dir_ + "/one"));
  }
  std::string dir_;
};

TEST_F(InitialWeights, ANetworkWithMoreUnrollsTakesTheRunsWeights) {
  const Network source = trained(dir_ + "/one");
  ModelConfig three = load_config("", small_run(dir_ + "/data", 3)).model;
  at::manual_seed(0);
  const Network net = build_network(three, io::DataKind::image2d);
  ASSERT_GT(largest_difference(net, source), 1e-4);  // trained weights are not the initial ones
  load_initial_weights(dir_ + "/one", io::DataKind::image2d, *net);
  EXPECT_EQ(largest_difference(net, source), 0.0);
  load_initial_weights(dir_ + "/one/checkpoint.pt", io::DataKind::image2d, *net);  // the file
  EXPECT_EQ(largest_difference(net, source), 0.0);
}

TEST_F(InitialWeights, ARunStartedFromThemTrainsOnFromThere) {
  std::vector<std::string> keys = small_run(dir_ + "/data", 3);
  keys.push_back("model.init=\"" + dir_ + "/one\"");
  keys.push_back("optim.steps=1");
  keys.push_back("optim.lr=1e-4");
  train_model(load_config("", keys), TrainOptions().run_dir(dir_ + "/three"));
  EXPECT_EQ(load_run_config(dir_ + "/three").model.init, dir_ + "/one");
  // One Adam step moves each weight by about the learning rate at most.
  EXPECT_LT(largest_difference(trained(dir_ + "/three"), trained(dir_ + "/one")), 2e-4);
  // Without model.init the same run starts from random weights, far from those.
  keys = small_run(dir_ + "/data", 3);
  keys.push_back("optim.steps=1");
  train_model(load_config("", keys), TrainOptions().run_dir(dir_ + "/fresh"));
  EXPECT_GT(largest_difference(trained(dir_ + "/fresh"), trained(dir_ + "/one")), 1e-2);
}

TEST_F(InitialWeights, ASourceThatDoesNotFitIsRefusedWithItsName) {
  ModelConfig wider = load_config("", small_run(dir_ + "/data", 1)).model;
  wider.features = 8;
  const Network net = build_network(wider, io::DataKind::image2d);
  const std::string file = dir_ + "/one/checkpoint.pt";
  test_support::expect_error<core::Error>(
      [&] { load_initial_weights(dir_ + "/one", io::DataKind::image2d, *net); }, file,
      "weights do not fit this model");
  test_support::expect_error<core::Error>(
      [&] { load_initial_weights(dir_ + "/one", io::DataKind::cine, *net); }, file,
      "was trained on 2d data, this run's data is cine");
  test_support::expect_error<core::Error>(
      [&] { load_initial_weights(dir_ + "/none", io::DataKind::image2d, *net); }, dir_ + "/none",
      "model.init");
}

}  // namespace
}  // namespace melrecon::train

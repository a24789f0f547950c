// Training runs end to end on a tiny simulated dataset: resuming from a checkpoint after an
// interruption ends with exactly the weights of an uninterrupted run; non-finite values stop
// the run with a message naming the example and keep the last good checkpoint.
#include "train/trainer.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "eval/trained_model.h"
#include "io/dataset.h"
#include "modl/modl_net.h"
#include "sim/simulate.h"
#include "support/expect_error.h"
#include "support/test_support.h"
#include "train/checkpoint.h"
#include "train/model_factory.h"

namespace melrecon::train {
namespace {

std::string tiny_dataset(const std::string& name) {
  const std::string dir = test_support::temp_dir(name);
  sim::simulate_dataset(
      sim::SimulateOptions(io::DataKind::image2d, {24, 20}).cases(3).coils(4).seed(3),
      dir + "/data");
  return dir;
}

TrainConfig tiny_config(const std::string& data) {
  return load_config(
      "", {"data.train=\"" + data + "\"", "model.unrolls=2", "model.cg_iters=4", "model.features=4",
           "model.layers=3", "optim.steps=6", "run.checkpoint_every=2", "run.val_every=3",
           "run.progress=false", "sampling.accel=3", "sampling.calib=4"});
}

std::vector<at::Tensor> weights_of(const std::string& run) {
  eval::TrainedModel t = eval::load_trained_model(run, c10::kCPU);
  std::vector<at::Tensor> w;
  for (const auto& p : t.model->module().parameters()) w.push_back(p.detach().clone());
  return w;
}

TEST(Trainer, ResumedRunEndsBitIdenticalToAnUninterruptedOne) {
  const std::string dir = tiny_dataset("trainer_resume");
  const TrainConfig config = tiny_config(dir + "/data");
  train_model(config, TrainOptions().run_dir(dir + "/straight"));
  // Interrupted after 3 steps: the checkpoint holds step 2, step 3 is lost and redone.
  train_model(config, TrainOptions().run_dir(dir + "/interrupted").stop_after_steps(3));
  EXPECT_EQ(read_checkpoint_state(dir + "/interrupted/checkpoint.pt").step, 2);
  const TrainSummary resumed =
      train_model(config, TrainOptions().run_dir(dir + "/interrupted").resume(true));
  EXPECT_EQ(resumed.steps, 6);
  const auto a = weights_of(dir + "/straight"), b = weights_of(dir + "/interrupted");
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(at::equal(a[i], b[i])) << "parameter " << i;
  // The final checkpoints are the same bytes (weights, Adam's state, data position), so `cmp`
  // is a valid check of a resume.
  EXPECT_EQ(test_support::run_command("cmp " + dir + "/straight/checkpoint.pt " + dir +
                                      "/interrupted/checkpoint.pt")
                .exit_code,
            0);
  // The log of the resumed run has each step once.
  std::ifstream log(dir + "/interrupted/log.jsonl");
  int steps = 0;
  std::string line;
  while (std::getline(log, line)) steps += line.find("\"type\":\"step\"") != std::string::npos;
  EXPECT_EQ(steps, 6);
  // A finished run has nothing to resume: said so, and its files stay as they are.
  test_support::expect_error<core::Error>(
      [&] { train_model(config, TrainOptions().run_dir(dir + "/straight").resume(true)); },
      dir + "/straight", "already trained 6 steps");
  EXPECT_EQ(read_checkpoint_state(dir + "/straight/checkpoint.pt").step, 6);
}

TEST(Trainer, ARunWithFlipsResumesBitIdenticalAndLearnsOtherWeights) {
  const std::string dir = tiny_dataset("trainer_flips");
  TrainConfig config = tiny_config(dir + "/data");
  train_model(config, TrainOptions().run_dir(dir + "/plain"));
  config.data.flip = true;
  train_model(config, TrainOptions().run_dir(dir + "/straight"));
  train_model(config, TrainOptions().run_dir(dir + "/interrupted").stop_after_steps(3));
  train_model(config, TrainOptions().run_dir(dir + "/interrupted").resume(true));
  EXPECT_EQ(test_support::run_command("cmp " + dir + "/straight/checkpoint.pt " + dir +
                                      "/interrupted/checkpoint.pt")
                .exit_code,
            0);
  const auto flipped = weights_of(dir + "/straight"), plain = weights_of(dir + "/plain");
  ASSERT_EQ(flipped.size(), plain.size());
  bool differ = false;
  for (size_t i = 0; i < flipped.size(); ++i) differ = differ || !at::equal(flipped[i], plain[i]);
  EXPECT_TRUE(differ) << "data.flip changed nothing";
}

TEST(Trainer, EveryEpochTrainsOnEachExampleOnce) {
  const std::string dir = tiny_dataset("trainer_epochs");
  std::map<int64_t, std::vector<std::string>> by_epoch;
  train_model(tiny_config(dir + "/data"),
              TrainOptions().run_dir(dir + "/run").on_log([&](const nlohmann::json& e) {
                if (e["type"] == "step") {
                  by_epoch[e["epoch"].get<int64_t>()].push_back(e["example"].get<std::string>());
                }
              }));
  // 3 cases, one validates: 2 training examples, so 6 steps are 3 epochs of 2 distinct examples.
  ASSERT_EQ(by_epoch.size(), 3u);
  for (auto& [epoch, examples] : by_epoch) {
    std::sort(examples.begin(), examples.end());
    EXPECT_EQ(examples, by_epoch.begin()->second) << "epoch " << epoch;
    ASSERT_EQ(examples.size(), 2u) << "epoch " << epoch;
    EXPECT_NE(examples[0], examples[1]) << "epoch " << epoch;
  }
}

TEST(Trainer, TilesCoilChunksAndOffloadTrainTheSameNetwork) {
  // Each is the same function (tiled CNN, chunked data consistency and Aᴴy, stored inputs kept
  // on the CPU): the trained weights equal the plain run's to float32 round-off.
  const std::string dir = tiny_dataset("trainer_scale");
  const TrainConfig plain = tiny_config(dir + "/data");
  TrainConfig scaled = plain;
  scaled.model.tile = {8, 8};  // 24x20 images in 3x3 tiles, halo 3
  scaled.model.coil_chunk = 1;
  scaled.optim.offload_to_host = true;
  train_model(plain, TrainOptions().run_dir(dir + "/plain"));
  train_model(scaled, TrainOptions().run_dir(dir + "/scaled"));
  const auto a = weights_of(dir + "/plain"), b = weights_of(dir + "/scaled");
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_LT(test_support::relative_error(b[i], a[i]), 1e-5) << "parameter " << i;
  }
  // bfloat16 CNN: trains, its weights stay float32.
  TrainConfig bf16 = plain;
  bf16.model.precision = nn::Precision::bfloat16;
  const TrainSummary s = train_model(bf16, TrainOptions().run_dir(dir + "/bf16"));
  EXPECT_EQ(s.steps, 6);
  EXPECT_TRUE(std::isfinite(s.last_loss));
  for (const auto& w : weights_of(dir + "/bf16")) EXPECT_EQ(w.scalar_type(), at::kFloat);
}

// Reconstruction may tile a CNN trained untiled and chunk its coils (recon/eval --tile, recon
// --coil-chunk): the network built is tiled and chunked, and its image equals the plain network's
// to float32 round-off.
TEST(Trainer, TrainedModelReconstructsTheSameImageInTilesAndCoilChunks) {
  const std::string dir = tiny_dataset("trainer_recon_tiles");
  train_model(tiny_config(dir + "/data"), TrainOptions().run_dir(dir + "/run"));
  eval::TrainedModel whole = eval::load_trained_model(dir + "/run", c10::kCPU);
  eval::TrainedModel tiled = eval::load_trained_model(
      dir + "/run", c10::kCPU, eval::ReconSettings{std::vector<int64_t>{8, 0}, 1});
  const auto& plain_net = dynamic_cast<modl::ModlImpl&>(whole.model->module());
  auto& tiled_net = dynamic_cast<modl::ModlImpl&>(tiled.model->module());
  EXPECT_EQ(plain_net.options().coil_chunk(), 0);
  EXPECT_EQ(tiled_net.options().coil_chunk(), 1);
  EXPECT_EQ(tiled_net.denoiser(0)->tile_dims().size(), 1u);
  const io::CaseData c = io::read_case(dir + "/data", "case_0000", io::DataKind::image2d);
  const at::Tensor mask = (at::arange(20) % 3 == 0).to(at::kFloat).expand({1, 1, 24, 20});
  const at::Tensor a = eval::apply_model(whole, c.kspace, c.maps, mask, {});
  const at::Tensor b = eval::apply_model(tiled, c.kspace, c.maps, mask, {});
  EXPECT_LT(test_support::relative_error(b, a), 1e-5);
  test_support::expect_error<core::Error>(
      [&] {
        eval::load_trained_model(dir + "/run", c10::kCPU,
                                 eval::ReconSettings{std::vector<int64_t>{8}, std::nullopt});
      },
      "checkpoint.pt with the reconstruction's settings", "needs 2 sizes");
}

TEST(Trainer, RefusesToOverwriteOrResumeWithAnotherModel) {
  const std::string dir = tiny_dataset("trainer_refuse");
  const TrainConfig config = tiny_config(dir + "/data");
  train_model(config, TrainOptions()
                          .run_dir(dir + "/run")
                          .stop_after_steps(1));  // stopped before its first checkpoint
  EXPECT_THROW(train_model(config, TrainOptions().run_dir(dir + "/run")), core::Error);
  EXPECT_EQ(
      train_model(config, TrainOptions().run_dir(dir + "/run").resume(true).stop_after_steps(3))
          .steps,
      3);  // resumes from step 0
  TrainConfig other = config;
  other.model.features = 8;
  EXPECT_THROW(train_model(other, TrainOptions().run_dir(dir + "/run").resume(true)), core::Error);
  TrainConfig longer = config;
  longer.optim.steps = 8;  // allowed: more steps
  EXPECT_EQ(train_model(longer, TrainOptions().run_dir(dir + "/run").resume(true)).steps, 8);
}

// The variational network trains through the same trainer: a resumed run ends with the weights
// of an uninterrupted one, the checkpoint records the architecture, and the loaded network
// reconstructs a case; a run cannot be resumed as the other architecture.
TEST(Trainer, VarNetResumesBitIdenticallyAndReconstructs) {
  const std::string dir = tiny_dataset("trainer_varnet");
  TrainConfig config = tiny_config(dir + "/data");
  config.model.arch = Arch::varnet;
  config.model.step_size = 0.5;
  train_model(config, TrainOptions().run_dir(dir + "/straight"));
  train_model(config, TrainOptions().run_dir(dir + "/interrupted").stop_after_steps(3));
  train_model(config, TrainOptions().run_dir(dir + "/interrupted").resume(true));
  const auto a = weights_of(dir + "/straight"), b = weights_of(dir + "/interrupted");
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(at::equal(a[i], b[i])) << "parameter " << i;

  eval::TrainedModel t = eval::load_trained_model(dir + "/straight", c10::kCPU);
  EXPECT_STREQ(t.model->arch(), "varnet");
  EXPECT_EQ(t.model->num_unrolls(), 2);
  const io::CaseData c = io::read_case(dir + "/data", "case_0000", io::DataKind::image2d);
  const at::Tensor fully_sampled = at::ones({1, 1, 24, 20}, at::kFloat);
  const at::Tensor x = eval::apply_model(t, c.kspace, c.maps, fully_sampled, {});
  EXPECT_EQ(x.sizes(), c.reference.sizes());
  EXPECT_TRUE(at::isfinite(at::real(x)).all().item<bool>());

  TrainConfig as_modl = config;
  as_modl.model.arch = Arch::modl;
  EXPECT_THROW(train_model(as_modl, TrainOptions().run_dir(dir + "/straight").resume(true)),
               core::Error);
}

// Checkpoints written before the architecture was recorded hold MoDL and still load as MoDL.
TEST(Trainer, CheckpointWithoutAnArchitectureLoadsAsModl) {
  const std::string dir = tiny_dataset("trainer_old_arch");
  const TrainConfig config = tiny_config(dir + "/data");
  train_model(config, TrainOptions().run_dir(dir + "/run"));
  eval::TrainedModel t = eval::load_trained_model(dir + "/run", c10::kCPU);
  torch::optim::Adam adam(t.model->module().parameters(), torch::optim::AdamOptions(0.1));
  TrainerState state = load_checkpoint(dir + "/run/checkpoint.pt", t.model->module(), adam);
  nlohmann::json old = nlohmann::json::parse(state.config_json);
  ASSERT_EQ(old["model"].erase("arch"), 1u);
  state.config_json = old.dump();
  save_checkpoint(dir + "/old.pt", t.model->module(), adam, state);
  eval::TrainedModel loaded = eval::load_trained_model(dir + "/old.pt", c10::kCPU);
  EXPECT_STREQ(loaded.model->arch(), "modl");
  const auto a = t.model->module().parameters(), b = loaded.model->module().parameters();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(at::equal(a[i], b[i])) << "parameter " << i;
}

TEST(Trainer, DivergenceStopsNamingTheExampleAndKeepsTheCheckpoint) {
  const std::string dir = tiny_dataset("trainer_nan");
  TrainConfig config = tiny_config(dir + "/data");
  config.optim.lr = 1e30;  // the second step's weights overflow; set here, past optim.lr's range
  config.optim.grad_clip = 0;
  config.run.checkpoint_every = 1;
  try {
    train_model(config, TrainOptions().run_dir(dir + "/run"));
    FAIL() << "expected the run to stop";
  } catch (const core::Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("not finite on example case_"), std::string::npos) << msg;
    EXPECT_NE(msg.find("last good checkpoint"), std::string::npos) << msg;
  }
  const auto state = read_checkpoint_state(dir + "/run/checkpoint.pt");
  EXPECT_GE(state.step, 1);
  // The stored configuration is out of range for a loader, so the weights are read directly.
  const Network net = build_network(config.model, io::DataKind::image2d);
  load_checkpoint_weights(dir + "/run/checkpoint.pt", net->module());
  for (const auto& w : net->module().parameters()) {
    EXPECT_TRUE(at::isfinite(w).all().item<bool>());
  }
}

TEST(Trainer, NonFiniteDataIsReportedWithItsFile) {
  const std::string dir = tiny_dataset("trainer_nan_data");
  io::CaseData c = io::read_case(dir + "/data", "case_0001", io::DataKind::image2d);
  c.kspace[0][0][3][3] = std::numeric_limits<float>::quiet_NaN();
  io::write_case(dir + "/data", "case_0001", c, io::DataKind::image2d);
  TrainConfig config = tiny_config(dir + "/data");
  config.data.val_fraction = 0.0;
  try {
    train_model(config, TrainOptions().run_dir(dir + "/run"));
    FAIL() << "expected an error";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("case_0001/kspace.cfl: contains 1 non-finite"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace melrecon::train

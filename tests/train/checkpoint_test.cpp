// Checkpoint contents round-trip exactly (the float16 loss scale too), Adam's state is keyed by
// parameter name, and damaged or non-finite weights are refused with the file's name.
#include "train/checkpoint.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/nn/modules/linear.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <cmath>
#include <limits>

#include "core/error.h"
#include "support/expect_error.h"
#include "support/test_support.h"

namespace melrecon::train {
namespace {

// A model with a few named parameters and one Adam step, so that Adam has state.
struct Trained {
  torch::nn::Linear model{torch::nn::LinearOptions(3, 2)};
  torch::optim::Adam adam{model->parameters(), torch::optim::AdamOptions(0.1)};
  Trained() {
    at::manual_seed(4);
    model = torch::nn::Linear(torch::nn::LinearOptions(3, 2));
    adam = torch::optim::Adam(model->parameters(), torch::optim::AdamOptions(0.1));
    adam.zero_grad();
    model->forward(at::ones({1, 3})).sum().backward();
    adam.step();
  }
};

TrainerState sample_state() {
  TrainerState s;
  s.step = 7;
  s.epoch = 2;
  s.position = 1;
  s.order = {2, 0, 1};
  s.config_json = "{}";
  s.data_kind = "2d";
  s.loss_scaler.scale = 32768.0;  // halved once from 2^16
  s.loss_scaler.finite_steps = 17;
  return s;
}

TEST(Checkpoint, StateAndLossScaleRoundTripExactly) {
  const std::string path = testing::temp_dir("checkpoint_state") + "/checkpoint.pt";
  Trained t;
  save_checkpoint(path, *t.model, t.adam, sample_state());
  const TrainerState back = read_checkpoint_state(path);
  EXPECT_EQ(back.step, 7);
  EXPECT_EQ(back.epoch, 2);
  EXPECT_EQ(back.position, 1);
  EXPECT_EQ(back.order, (std::vector<int64_t>{2, 0, 1}));
  EXPECT_EQ(back.data_kind, "2d");
  EXPECT_EQ(back.loss_scaler.scale, 32768.0);  // a double, not its bits read as an integer
  EXPECT_EQ(back.loss_scaler.finite_steps, 17);
}

TEST(Checkpoint, AdamStateComesBackByNameAndFilesRepeat) {
  const std::string dir = testing::temp_dir("checkpoint_adam");
  Trained a;
  save_checkpoint(dir + "/a.pt", *a.model, a.adam, sample_state());
  Trained b;  // the same run in other memory
  save_checkpoint(dir + "/b.pt", *b.model, b.adam, sample_state());
  EXPECT_EQ(testing::run_command("cmp " + dir + "/a.pt " + dir + "/b.pt").exit_code, 0);

  torch::nn::Linear model(torch::nn::LinearOptions(3, 2));
  torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(0.1));
  load_checkpoint(dir + "/a.pt", *model, adam);
  for (const auto& item : model->named_parameters()) {
    const auto& loaded = static_cast<const torch::optim::AdamParamState&>(
        *adam.state().at(item.value().unsafeGetTensorImpl()));
    const auto& original = static_cast<const torch::optim::AdamParamState&>(
        *a.adam.state().at(a.model->named_parameters()[item.key()].unsafeGetTensorImpl()));
    EXPECT_EQ(loaded.step(), original.step()) << item.key();
    EXPECT_TRUE(at::equal(loaded.exp_avg(), original.exp_avg())) << item.key();
    EXPECT_TRUE(at::equal(loaded.exp_avg_sq(), original.exp_avg_sq())) << item.key();
  }
}

// The checkpoint at `path` rewritten with its weights passed through `damage` and everything
// else, the stored checksum included, as it was.
void rewrite_weights(const std::string& path, const std::function<void(torch::nn::Linear&)>& damage) {
  torch::serialize::InputArchive in;
  in.load_from(path);
  torch::serialize::OutputArchive out;
  for (const std::string& key : in.keys()) {
    torch::serialize::InputArchive sub;
    if (key == "model" && in.try_read(key, sub)) {
      torch::nn::Linear model(torch::nn::LinearOptions(3, 2));
      model->load(sub);
      damage(model);
      torch::serialize::OutputArchive weights;
      model->save(weights);
      out.write(key, weights);
    } else if (key == "adam" && in.try_read(key, sub)) {
      torch::serialize::OutputArchive empty;
      out.write(key, empty);
    } else {
      c10::IValue value;
      ASSERT_TRUE(in.try_read(key, value)) << key;
      out.write(key, value);
    }
  }
  out.save_to(path);
}

TEST(Checkpoint, DamagedOrNonFiniteWeightsAreRefusedNamingTheFile) {
  const std::string dir = testing::temp_dir("checkpoint_damage");
  torch::nn::Linear model(torch::nn::LinearOptions(3, 2));
  torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(0.1));
  // A changed weight that still parses: the stored checksum no longer matches.
  Trained damaged;
  save_checkpoint(dir + "/flip.pt", *damaged.model, damaged.adam, sample_state());
  rewrite_weights(dir + "/flip.pt", [](torch::nn::Linear& m) {
    at::NoGradGuard no_grad;
    m->weight[0][0].mul_(1.0001);
  });
  testing::expect_error<core::Error>([&] { load_checkpoint(dir + "/flip.pt", *model, adam); },
                                     dir + "/flip.pt", "checksum");
  // Weights saved non-finite (with a matching checksum).
  Trained diverged;
  {
    at::NoGradGuard no_grad;
    diverged.model->bias[1].fill_(std::numeric_limits<float>::quiet_NaN());
  }
  save_checkpoint(dir + "/nan.pt", *diverged.model, diverged.adam, sample_state());
  testing::expect_error<core::Error>([&] { load_checkpoint(dir + "/nan.pt", *model, adam); },
                                     dir + "/nan.pt", "non-finite");
}

}  // namespace
}  // namespace melrecon::train

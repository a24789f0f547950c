// Checkpoint contents round-trip exactly (the float16 loss scale too), Adam's state is keyed by
// parameter name, and damaged files or non-finite weights are refused with the file's name.
#include "train/checkpoint.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/nn/modules/linear.h>

#include <cmath>
#include <fstream>
#include <iterator>
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
  const std::string path = test_support::temp_dir("checkpoint_state") + "/checkpoint.pt";
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
  const std::string dir = test_support::temp_dir("checkpoint_adam");
  Trained a;
  save_checkpoint(dir + "/a.pt", *a.model, a.adam, sample_state());
  Trained b;  // the same run in other memory
  save_checkpoint(dir + "/b.pt", *b.model, b.adam, sample_state());
  EXPECT_EQ(test_support::run_command("cmp " + dir + "/a.pt " + dir + "/b.pt").exit_code, 0);

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

// Weights and Adam state come back on the device of the model they are read into, whichever
// device wrote them: a run trained on a GPU is evaluated where there is none, or resumed on one.
TEST(CudaCheckpoint, ReadOntoTheModelsDeviceWhicheverWroteIt) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "needs a CUDA device";
  const std::string dir = test_support::temp_dir("checkpoint_cuda");
  Trained cpu;
  save_checkpoint(dir + "/cpu.pt", *cpu.model, cpu.adam, sample_state());
  torch::nn::Linear gpu(torch::nn::LinearOptions(3, 2));
  gpu->to(torch::kCUDA);
  torch::optim::Adam gpu_adam(gpu->parameters(), torch::optim::AdamOptions(0.1));
  load_checkpoint(dir + "/cpu.pt", *gpu, gpu_adam);
  for (const auto& item : gpu->named_parameters()) {
    EXPECT_TRUE(item.value().is_cuda()) << item.key();
    EXPECT_TRUE(at::equal(item.value().cpu(), cpu.model->named_parameters()[item.key()]));
    const auto& state = static_cast<const torch::optim::AdamParamState&>(
        *gpu_adam.state().at(item.value().unsafeGetTensorImpl()));
    EXPECT_TRUE(state.exp_avg().is_cuda()) << item.key();
  }
  save_checkpoint(dir + "/gpu.pt", *gpu, gpu_adam, sample_state());
  torch::nn::Linear back(torch::nn::LinearOptions(3, 2));
  load_checkpoint_weights(dir + "/gpu.pt", *back);
  for (const auto& item : back->named_parameters()) {
    EXPECT_TRUE(item.value().is_cpu()) << item.key();
    EXPECT_TRUE(at::equal(item.value(), cpu.model->named_parameters()[item.key()]));
  }
}

TEST(Checkpoint, DamagedOrNonFiniteWeightsAreRefusedNamingTheFile) {
  const std::string dir = test_support::temp_dir("checkpoint_damage");
  torch::nn::Linear model(torch::nn::LinearOptions(3, 2));
  torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(0.1));
  Trained t;
  save_checkpoint(dir + "/good.pt", *t.model, t.adam, sample_state());
  std::ifstream in(dir + "/good.pt", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto write = [&](const std::string& name, const std::string& content) {
    std::ofstream(dir + "/" + name, std::ios::binary) << content;
    return dir + "/" + name;
  };
  // One flipped bit anywhere after the header, a truncated file, another file type.
  for (size_t at : {size_t{40}, bytes.size() / 2, bytes.size() - 1}) {
    std::string flipped = bytes;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x10);
    const std::string path = write("flip.pt", flipped);
    test_support::expect_error<core::Error>([&] { load_checkpoint(path, *model, adam); }, path,
                                            "do not match their checksum");
  }
  const std::string cut = write("cut.pt", bytes.substr(0, bytes.size() - 100));
  test_support::expect_error<core::Error>([&] { read_checkpoint_state(cut); }, cut,
                                          "damaged checkpoint");
  const std::string text = write("text.pt", "not a checkpoint at all, nor long enough");
  test_support::expect_error<core::Error>([&] { read_checkpoint_state(text); }, text,
                                          "not a melrecon checkpoint");
  // Weights saved non-finite (with a matching checksum).
  Trained diverged;
  {
    at::NoGradGuard no_grad;
    diverged.model->bias[1].fill_(std::numeric_limits<float>::quiet_NaN());
  }
  save_checkpoint(dir + "/nan.pt", *diverged.model, diverged.adam, sample_state());
  test_support::expect_error<core::Error>([&] { load_checkpoint(dir + "/nan.pt", *model, adam); },
                                          dir + "/nan.pt", "non-finite");
}

}  // namespace
}  // namespace melrecon::train

// `melrecon train`, `recon` and `eval` through the command line, including a run killed with
// SIGKILL mid-training and resumed: its final weights equal those of an uninterrupted run.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "eval/trained_model.h"
#include "io/bart_layout.h"
#include "io/nifti.h"
#include "io/png.h"
#include "support/test_support.h"
#include "train/checkpoint.h"

namespace melrecon {
namespace {

using test_support::run_command;
using test_support::run_melrecon;

const char* kTrainArgs =
    " --steps 120 --set model.unrolls=2 --set model.cg_iters=4 --set model.features=4"
    " --set model.layers=3 --set sampling.accel=3 --set sampling.calib=4"
    " --set run.checkpoint_every=3 --set run.val_every=1000 --set run.progress=false";

int logged_steps(const std::string& log) {
  std::ifstream in(log);
  int n = 0;
  std::string line;
  while (std::getline(in, line)) n += line.find("\"type\":\"step\"") != std::string::npos;
  return n;
}

std::vector<at::Tensor> weights(const std::string& run) {
  std::vector<at::Tensor> w;
  for (const auto& p : eval::load_trained_model(run, c10::kCPU).model->module().parameters())
    w.push_back(p.detach());
  return w;
}

TEST(TrainCli, KilledRunResumesToTheSameWeights) {
  const std::string d = test_support::temp_dir("train_cli_kill");
  ASSERT_EQ(run_melrecon("simulate --kind 2d --shape 24,20 --cases 3 --coils 4 --seed 3 --out " +
                         d + "/data")
                .exit_code,
            0);
  const std::string train = std::string(MELRECON_EXE) + " train --data " + d + "/data" + kTrainArgs;
  ASSERT_EQ(run_command(train + " --run " + d + "/straight").exit_code, 0);

  // Start the same run in the background and kill it with SIGKILL once it is well under way.
  ASSERT_EQ(run_command(train + " --run " + d + "/killed > " + d + "/killed.out 2>&1 & echo $! > " +
                        d + "/pid")
                .exit_code,
            0);
  std::string pid;
  std::ifstream(d + "/pid") >> pid;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (logged_steps(d + "/killed/log.jsonl") < 10 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(run_command("kill -9 " + pid).exit_code, 0)
      << "the run ended before it could be killed";
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const int64_t saved = train::read_checkpoint_state(d + "/killed/checkpoint.pt").step;
  ASSERT_LT(saved, 120) << "the run was not interrupted";

  const auto resumed = run_command(train + " --run " + d + "/killed --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  const auto a = weights(d + "/straight"), b = weights(d + "/killed");
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(at::equal(a[i], b[i])) << "parameter " << i;
  EXPECT_EQ(logged_steps(d + "/killed/log.jsonl"), 120);

  // The trained model reconstructs a case and is evaluated against the baselines.
  const std::string preview = io::png_supported() ? " --png " + d + "/x.png" : "";
  const auto recon =
      run_melrecon("recon --model " + d + "/straight " + d + "/data/case_0000/kspace " + d +
                   "/data/case_0000/maps " + d + "/x" + preview);
  ASSERT_EQ(recon.exit_code, 0) << recon.output;
  EXPECT_TRUE(std::filesystem::exists(d + "/x.cfl"));
  EXPECT_EQ(std::filesystem::exists(d + "/x.png"), io::png_supported());
  const auto eval = run_melrecon("eval --data " + d + "/data --model " + d +
                                 "/straight --methods zero-filled,cg-sense,modl --max-examples 2");
  ASSERT_EQ(eval.exit_code, 0) << eval.output;
  for (const char* m : {"| zero-filled", "| cg-sense", "| modl"}) {
    EXPECT_NE(eval.output.find(m), std::string::npos) << eval.output;
  }
}

TEST(TrainCli, VarNetTrainsReconstructsEvaluatesAndPlans) {
  const std::string d = test_support::temp_dir("train_cli_varnet");
  ASSERT_EQ(run_melrecon("simulate --kind 2d --shape 24,20 --cases 2 --coils 4 --seed 5 --out " +
                         d + "/data")
                .exit_code,
            0);
  auto r = run_melrecon("train --data " + d + "/data --run " + d +
                        "/run --arch varnet"
                        " --steps 3 --set model.unrolls=2 --set model.features=4"
                        " --set model.layers=3 --set sampling.accel=3 --set sampling.calib=4"
                        " --set run.progress=false");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::ifstream saved(d + "/run/config.json");
  EXPECT_EQ(nlohmann::json::parse(saved)["model"]["arch"], "varnet");
  r = run_melrecon("recon --model " + d + "/run " + d + "/data/case_0000/kspace " + d +
                   "/data/case_0000/maps " + d + "/x --nifti " + d +
                   "/x.nii --nifti-complex --voxel-size 0.5,0.5,3");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("varnet (2 unrolls)"), std::string::npos) << r.output;
  // The NIfTI beside the cfl: x, y, slices, then (real, imaginary), with the voxel size.
  const at::Tensor x = io::read_bart(d + "/x", io::Role::image, io::DataKind::image2d);
  const io::NiftiImage nifti = io::read_nifti(d + "/x.nii");
  EXPECT_EQ(nifti.dims, (std::vector<int64_t>{x.size(2), x.size(1), x.size(0), 2}));
  EXPECT_EQ(nifti.spacing, (std::array<double, 3>{0.5, 0.5, 3}));
  EXPECT_TRUE(at::equal(nifti.data, at::stack({at::real(x), at::imag(x)})));
  EXPECT_EQ(run_melrecon("recon --model " + d + "/run " + d + "/data/case_0000/kspace " + d +
                         "/data/case_0000/maps " + d + "/y --nifti-complex")
                .exit_code,
            2);
  // In CNN tiles and one coil at a time: the same image (to float32 round-off).
  r = run_melrecon("recon --model " + d + "/run " + d + "/data/case_0000/kspace " + d +
                   "/data/case_0000/maps " + d + "/tiled --tile 8,0 --coil-chunk 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("peak memory"), std::string::npos) << r.output;
  const at::Tensor tiled = io::read_bart(d + "/tiled", io::Role::image, io::DataKind::image2d);
  EXPECT_LT(test_support::relative_error(tiled, x), 1e-5);
  r = run_melrecon("recon --model " + d + "/run " + d + "/data/case_0000/kspace " + d +
                   "/data/case_0000/maps " + d + "/z --tile 8");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("needs 2 sizes"), std::string::npos) << r.output;
  const std::string evaluate = "eval --data " + d + "/data --model " + d +
                               "/run --methods zero-filled,varnet --max-examples 1";
  r = run_melrecon(evaluate + " --png " + d + "/png");
  if (io::png_supported()) {
    ASSERT_EQ(r.exit_code, 0) << r.output;
    // Reference, two methods, the error: 24 x 20 enlarged 11 times.
    const at::Tensor sheet = io::read_png(d + "/png/0000_case_0000_0.png");
    EXPECT_GE(sheet.size(0), 24 * 11);
    EXPECT_GE(sheet.size(1), 4 * 20 * 11);
  } else {  // refused before any work, naming the option
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("--png " + d + "/png: this melrecon was built without libpng"),
              std::string::npos)
        << r.output;
    r = run_melrecon(evaluate);
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  EXPECT_NE(r.output.find("| varnet"), std::string::npos) << r.output;
  r = run_melrecon("eval --data " + d + "/data --model " + d + "/run --methods modl");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("but the model is varnet"), std::string::npos) << r.output;
  r = run_melrecon(
      "plan --kind 2d --shape 32,32 --coils 4 --arch varnet --unrolls 3 --budget 1GiB"
      " --set model.features=4 --set model.layers=3");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("fastest under 1GiB"), std::string::npos) << r.output;
}

TEST(TrainCli, BadConfigurationsAreOneLineErrors) {
  const std::string d = test_support::temp_dir("train_cli_errors");
  std::ofstream(d + "/c.json") << R"({"model": {"unrols": 3}})";
  auto r = run_melrecon("train --data x --run " + d + "/run --config " + d + "/c.json");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("c.json: unknown key 'model.unrols'"), std::string::npos) << r.output;
  r = run_melrecon("train --data " + d + "/missing --run " + d + "/run2");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("missing/dataset.json: cannot open"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(d + "/run2/config.json"))
      << "a failed start left a run behind";
  r = run_melrecon("recon --model " + d + "/nothing " + d + "/k " + d + "/s " + d + "/x");
  EXPECT_EQ(r.exit_code, 1);
}

TEST(TrainCli, BudgetChoosesTheConfigurationOrRefuses) {
  const std::string d = test_support::temp_dir("train_cli_budget");
  ASSERT_EQ(run_melrecon("simulate --kind 2d --shape 24,20 --cases 2 --coils 4 --seed 3 --out " +
                         d + "/data")
                .exit_code,
            0);
  const std::string small =
      " --set model.features=4 --set model.layers=3 --set model.unrolls=2"
      " --set run.progress=false --set sampling.accel=3"
      " --set sampling.calib=4 --steps 2";
  auto r = run_melrecon("train --data " + d + "/data --run " + d + "/none --budget 1KiB" + small);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("no configuration fits the budget of 1KiB"), std::string::npos)
      << r.output;
  EXPECT_FALSE(std::filesystem::exists(d + "/none")) << "a refused budget left a run behind";
  r = run_melrecon("train --data " + d + "/data --run " + d + "/run --budget 1GiB --strategy mel" +
                   small);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("fastest under 1GiB: mel"), std::string::npos) << r.output;
  std::ifstream saved(d + "/run/config.json");
  const auto config = nlohmann::json::parse(saved);
  EXPECT_EQ(config["optim"]["strategy"], "mel");
  r = run_melrecon("train --run " + d + "/run --resume --budget 1GiB --steps 3");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("a resumed run keeps the strategy and tiling"), std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace melrecon

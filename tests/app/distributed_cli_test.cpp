// Data-parallel `melrecon train` through the command line: ranks started by `--nproc` and by
// `train --nproc` train like one process with their examples batched, only rank 0 writes the run,
// a resumed group continues bit-identically, and a rank whose peers never come stops with an
// error naming it.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "eval/trained_model.h"
#include "support/test_support.h"
#include "train/checkpoint.h"

namespace melrecon {
namespace {

using test_support::run_command;
using test_support::run_melrecon;

const char* kDistArgs =
    " --set model.unrolls=3 --set model.cg_iters=4 --set model.features=8 --set model.layers=3"
    " --set sampling.accel=3 --set sampling.calib=4 --set run.val_every=1000"
    " --set run.progress=false --set run.timeout=60";

std::vector<at::Tensor> trained_weights(const std::string& run) {
  std::vector<at::Tensor> w;
  for (const auto& p : eval::load_trained_model(run, c10::kCPU).model->module().parameters()) {
    w.push_back(p.detach());
  }
  return w;
}

double largest_difference(const std::string& a, const std::string& b) {
  const auto x = trained_weights(a), y = trained_weights(b);
  double worst = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    worst = std::max(worst, ((x[i] - y[i]).abs().max() / y[i].abs().max()).item<double>());
  }
  return worst;
}

int64_t step_entries(const std::string& log, const std::string& must_contain = "") {
  std::ifstream in(log);
  int64_t n = 0;
  for (std::string line; std::getline(in, line);) {
    n += line.find("\"type\":\"step\"") != std::string::npos &&
         line.find(must_contain) != std::string::npos;
  }
  return n;
}

std::string dataset(const std::string& name) {
  const std::string d = test_support::temp_dir(name);
  const auto r = run_melrecon(
      "simulate --kind 2d --shape 32,24 --cases 4 --coils 4 --seed 5 --out " + d + "/data");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return d;
}

TEST(DistributedCli, TwoRanksTrainLikeOneProcessWithTheirExamplesBatched) {
  const std::string d = dataset("dist_cli_equal");
  const std::string train = "train --data " + d + "/data --steps 6" + kDistArgs + " --run " + d;
  const auto two = run_melrecon(train + "/two --nproc 2");
  ASSERT_EQ(two.exit_code, 0) << two.output;
  EXPECT_NE(two.output.find("effective batch 2 = 2 process(es) x batch 1 x accumulate 1"),
            std::string::npos)
      << two.output;
  ASSERT_EQ(run_melrecon(train + "/batch --set optim.batch=2").exit_code, 0);
  ASSERT_EQ(run_melrecon(train + "/accumulate --set optim.accumulate=2").exit_code, 0);
  // The same examples and masks, the gradients averaged in another order: float32 round-off.
  EXPECT_LT(largest_difference(d + "/two", d + "/batch"), 1e-4);
  EXPECT_LT(largest_difference(d + "/accumulate", d + "/batch"), 1e-4);
  // Rank 0 alone wrote the run: one log line per step, each with the effective batch.
  EXPECT_EQ(step_entries(d + "/two/log.jsonl"), 6);
  EXPECT_EQ(step_entries(d + "/two/log.jsonl", "\"effective_batch\":2"), 6);
  EXPECT_EQ(train::read_checkpoint_state(d + "/two/checkpoint.pt").world_size, 2);
}

TEST(DistributedCli, AResumedGroupContinuesBitIdentically) {
  const std::string d = dataset("dist_cli_resume");
  // A constant learning rate: stopping at 3 of 6 steps changes nothing but the stop.
  const std::string train = "train --data " + d + "/data" + kDistArgs +
                            " --set optim.schedule=constant --set run.checkpoint_every=3 --nproc 2";
  ASSERT_EQ(run_melrecon(train + " --steps 6 --run " + d + "/straight").exit_code, 0);
  ASSERT_EQ(run_melrecon(train + " --steps 3 --run " + d + "/resumed").exit_code, 0);
  const auto resumed = run_melrecon(train + " --steps 6 --run " + d + "/resumed --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  const auto a = trained_weights(d + "/straight"), b = trained_weights(d + "/resumed");
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(at::equal(a[i], b[i])) << "parameter " << i;
  // Another world size is allowed, and says what changes.
  const auto alone =
      run_melrecon("train --data " + d + "/data" + kDistArgs +
                   " --set optim.schedule=constant --steps 8 --run " + d + "/resumed --resume");
  ASSERT_EQ(alone.exit_code, 0) << alone.output;
  EXPECT_NE(alone.output.find("trained by 2 process(es), now 1"), std::string::npos)
      << alone.output;
}

TEST(DistributedCli, ARankThatNeverComesIsAnErrorWithinTheTimeout) {
  const std::string d = dataset("dist_cli_absent");
  const auto started = std::chrono::steady_clock::now();
  const auto r = run_command("RANK=0 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=29731 " +
                             std::string(MELRECON_EXE) + " train --data " + d + "/data" +
                             kDistArgs + " --set run.timeout=3 --steps 2 --run " + d + "/run");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("rank 0 of 2: could not join"), std::string::npos) << r.output;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(60));
}

}  // namespace
}  // namespace melrecon

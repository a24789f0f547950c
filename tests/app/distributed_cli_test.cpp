// Data-parallel `melrecon train` through the command line: ranks started by `train --nproc`
// train like one process with their examples batched, only rank 0 writes the run, a resumed
// group continues bit-identically (also after a rank was killed), a killed or hung rank stops
// the others within the timeout, a rank whose peers never come stops with an error naming it,
// and torchrun's ranks train as `--nproc`'s do.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "core/config.h"
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

// Every test here runs CPU ranks, which need Gloo in the build.
#define SKIP_WITHOUT_GLOO() \
  if (!MELRECON_HAVE_GLOO) GTEST_SKIP() << "this build has no Gloo (CPU data-parallel training)"

std::string dataset(const std::string& name) {
  const std::string d = test_support::temp_dir(name);
  const auto r = run_melrecon(
      "simulate --kind 2d --shape 32,24 --cases 4 --coils 4 --seed 5 --out " + d + "/data");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return d;
}

TEST(DistributedCli, TwoRanksTrainLikeOneProcessWithTheirExamplesBatched) {
  SKIP_WITHOUT_GLOO();
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
  SKIP_WITHOUT_GLOO();
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

// The process id of rank `rank` of a run: a melrecon process whose command line names the
// run's folder and whose environment holds RANK=`rank` (the launcher of --nproc has no RANK).
std::string rank_pid(const std::string& run_dir, int rank) {
  const auto r = run_command("for p in $(pgrep -f -- '^" + std::string(MELRECON_EXE) +
                             " train .*--run " + run_dir +
                             "( |$)'); do tr '\\0' '\\n' < /proc/$p/environ 2>/dev/null | grep -qx "
                             "RANK=" +
                             std::to_string(rank) + " && echo $p; done");
  std::istringstream in(r.output);
  std::string pid;
  in >> pid;
  return pid;
}

bool wait_for(const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Starts `command` in the background (at most 300 s), with `environment` (VAR=value ...) set:
// output to <out>, exit code to <out>.rc.
void start_in_background(const std::string& command, const std::string& out,
                         const std::string& environment = "") {
  ASSERT_EQ(run_command("(" + environment + " timeout 300 " + command + " > " + out +
                        " 2>&1; echo $? > " + out + ".rc) > /dev/null 2>&1 &")
                .exit_code,
            0);
}

TEST(DistributedCli, AKilledRankStopsTheGroupAndTheResumedGroupEndsAsAnUninterruptedOne) {
  SKIP_WITHOUT_GLOO();
  const std::string d = dataset("dist_cli_kill");
  const std::string train = "train --data " + d + "/data" + kDistArgs +
                            " --steps 300 --set run.checkpoint_every=5 --nproc 2 --run " + d;
  ASSERT_EQ(run_melrecon(train + "/straight").exit_code, 0);

  start_in_background(std::string(MELRECON_EXE) + " " + train + "/killed", d + "/killed.out");
  ASSERT_TRUE(wait_for([&] { return step_entries(d + "/killed/log.jsonl") >= 20; },
                       std::chrono::seconds(120)));
  const std::string victim = rank_pid(d + "/killed", 1);
  ASSERT_FALSE(victim.empty()) << "rank 1 not found";
  ASSERT_EQ(run_command("kill -9 " + victim).exit_code, 0);
  ASSERT_TRUE(wait_for([&] { return std::filesystem::exists(d + "/killed.out.rc"); },
                       std::chrono::seconds(60)))
      << "the launcher did not stop after rank 1 was killed";
  EXPECT_EQ(file_text(d + "/killed.out.rc"), "1\n");
  EXPECT_NE(file_text(d + "/killed.out").find("rank 1 of 2 was killed by signal 9"),
            std::string::npos)
      << file_text(d + "/killed.out");
  EXPECT_TRUE(rank_pid(d + "/killed", 0).empty()) << "rank 0 is still running";
  ASSERT_LT(train::read_checkpoint_state(d + "/killed/checkpoint.pt").step, 300)
      << "the run ended before it could be killed";

  const auto resumed = run_melrecon(train + "/killed --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  const auto a = trained_weights(d + "/straight"), b = trained_weights(d + "/killed");
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(at::equal(a[i], b[i])) << "parameter " << i;
  EXPECT_EQ(step_entries(d + "/killed/log.jsonl"), 300);
}

TEST(DistributedCli, WithoutALauncherAHungOrDeadPeerStopsARankWithinTheTimeout) {
  SKIP_WITHOUT_GLOO();
  const std::string d = dataset("dist_cli_peer");
  const std::string env = " WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=29737";
  const std::string train = std::string(MELRECON_EXE) + " train --data " + d + "/data" + kDistArgs +
                            " --set run.timeout=5 --steps 100000 --run " + d + "/run";
  start_in_background(train, d + "/rank0.out", "RANK=0" + env);
  start_in_background(train, d + "/rank1.out", "RANK=1" + env);
  ASSERT_TRUE(
      wait_for([&] { return step_entries(d + "/run/log.jsonl") >= 5; }, std::chrono::seconds(120)));
  const std::string peer = rank_pid(d + "/run", 1);
  ASSERT_FALSE(peer.empty());
  // Rank 1 hangs (stopped, its sockets open): rank 0's next collective times out.
  const auto stopped_at = std::chrono::steady_clock::now();
  ASSERT_EQ(run_command("kill -STOP " + peer).exit_code, 0);
  const bool stopped = wait_for([&] { return std::filesystem::exists(d + "/rank0.out.rc"); },
                                std::chrono::seconds(60));
  run_command("kill -9 " + peer);
  ASSERT_TRUE(stopped) << "rank 0 did not stop within 60 s";
  EXPECT_LT(std::chrono::steady_clock::now() - stopped_at, std::chrono::seconds(30));
  EXPECT_EQ(file_text(d + "/rank0.out.rc"), "1\n");
  const std::string out = file_text(d + "/rank0.out");
  EXPECT_NE(out.find("rank 0 of 2: allreduce failed"), std::string::npos) << out;
  EXPECT_NE(out.find("within 5 s"), std::string::npos) << out;
}

TEST(DistributedCli, TorchrunRanksTrainAsNprocRanksAndARestartedGroupResumes) {
  SKIP_WITHOUT_GLOO();
  if (run_command(test_support::python() + " -c 'import torch.distributed.run'").exit_code != 0) {
    GTEST_SKIP() << "no torch in " << test_support::python() << " (torchrun)";
  }
  const std::string d = dataset("dist_cli_torchrun");
  const std::string args = "train --data " + d + "/data" + kDistArgs +
                           " --steps 600 --set run.checkpoint_every=5 --set run.threads=1 --run " +
                           d;
  ASSERT_EQ(run_melrecon(args + "/nproc --nproc 2").exit_code, 0);
  // `--` keeps torchrun's parser away from melrecon's options (it reads --run as --run-path).
  // Rank 1 is killed mid-run; torchrun restarts the group once, and the restart resumes.
  const std::string out = d + "/torchrun.out";
  start_in_background(test_support::python() +
                          " -m torch.distributed.run --standalone --nproc-per-node 2"
                          " --max-restarts 1 --no-python -- " +
                          MELRECON_EXE + " " + args + "/torchrun",
                      out);
  ASSERT_TRUE(wait_for([&] { return step_entries(d + "/torchrun/log.jsonl") >= 20; },
                       std::chrono::seconds(120)));
  const std::string victim = rank_pid(d + "/torchrun", 1);
  ASSERT_FALSE(victim.empty()) << "rank 1 not found";
  ASSERT_EQ(run_command("kill -9 " + victim).exit_code, 0);
  ASSERT_TRUE(
      wait_for([&] { return std::filesystem::exists(out + ".rc"); }, std::chrono::seconds(240)));
  ASSERT_EQ(file_text(out + ".rc"), "0\n") << file_text(out);
  EXPECT_NE(file_text(out).find("restart 1 of the group: resuming"), std::string::npos)
      << file_text(out);
  const auto a = trained_weights(d + "/nproc"), b = trained_weights(d + "/torchrun");
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(at::equal(a[i], b[i])) << "parameter " << i;
  EXPECT_EQ(step_entries(d + "/torchrun/log.jsonl", "\"effective_batch\":2"), 600);
}

TEST(DistributedCli, ARankThatNeverComesIsAnErrorWithinTheTimeout) {
  SKIP_WITHOUT_GLOO();
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

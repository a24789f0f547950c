// Where a process sits in a group, read from torchrun's or SLURM's environment; malformed or
// inconsistent variables are one-line errors naming the variable.
#include "dist/launch_env.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>

#include "core/error.h"
#include "support/expect_error.h"

namespace melrecon::dist {
namespace {

const char* const kVariables[] = {"RANK",
                                  "WORLD_SIZE",
                                  "LOCAL_RANK",
                                  "LOCAL_WORLD_SIZE",
                                  "MASTER_ADDR",
                                  "MASTER_PORT",
                                  "TORCHELASTIC_RUN_ID",
                                  "TORCHELASTIC_USE_AGENT_STORE",
                                  "TORCHELASTIC_RESTART_COUNT",
                                  "SLURM_PROCID",
                                  "SLURM_NTASKS",
                                  "SLURM_LOCALID",
                                  "SLURM_NTASKS_PER_NODE"};

// Sets exactly `values` among the launchers' variables (the rest unset), for one test.
class Environment {
 public:
  explicit Environment(const std::map<std::string, std::string>& values) {
    for (const char* name : kVariables) {
      if (const char* old = std::getenv(name)) saved_[name] = old;
      ::unsetenv(name);
    }
    for (const auto& [name, value] : values) ::setenv(name.c_str(), value.c_str(), 1);
  }
  ~Environment() {
    for (const char* name : kVariables) ::unsetenv(name);
    for (const auto& [name, value] : saved_) ::setenv(name.c_str(), value.c_str(), 1);
  }

 private:
  std::map<std::string, std::string> saved_;
};

TEST(LaunchEnv, AloneWithoutALaunchersVariables) {
  Environment e({});
  EXPECT_FALSE(launch_env_from_environment().has_value());
}

TEST(LaunchEnv, TorchrunWithItsAgentStore) {
  Environment e({{"RANK", "5"},
                 {"WORLD_SIZE", "8"},
                 {"LOCAL_RANK", "1"},
                 {"LOCAL_WORLD_SIZE", "4"},
                 {"MASTER_ADDR", "node01"},
                 {"MASTER_PORT", "29400"},
                 {"TORCHELASTIC_RUN_ID", "knee"},
                 {"TORCHELASTIC_USE_AGENT_STORE", "True"},
                 {"TORCHELASTIC_RESTART_COUNT", "2"}});
  const auto env = launch_env_from_environment();
  ASSERT_TRUE(env.has_value());
  EXPECT_EQ(env->rank, 5);
  EXPECT_EQ(env->world_size, 8);
  EXPECT_EQ(env->local_rank, 1);
  EXPECT_EQ(env->local_world_size, 4);
  EXPECT_EQ(env->master_addr, "node01");
  EXPECT_EQ(env->master_port, 29400);
  EXPECT_TRUE(env->agent_store);
  EXPECT_EQ(env->restart_count, 2);
  EXPECT_EQ(env->launcher, "torchrun");
}

TEST(LaunchEnv, SlurmTasks) {
  Environment e({{"SLURM_PROCID", "6"},
                 {"SLURM_NTASKS", "8"},
                 {"SLURM_LOCALID", "2"},
                 {"SLURM_NTASKS_PER_NODE", "4(x2)"},
                 {"MASTER_ADDR", "node01"}});
  const auto env = launch_env_from_environment();
  ASSERT_TRUE(env.has_value());
  EXPECT_EQ(env->rank, 6);
  EXPECT_EQ(env->world_size, 8);
  EXPECT_EQ(env->local_rank, 2);
  EXPECT_EQ(env->local_world_size, 4);
  EXPECT_EQ(env->master_port, 29500);
  EXPECT_FALSE(env->agent_store);
  EXPECT_EQ(env->launcher, "slurm");
}

TEST(LaunchEnv, UnevenSlurmNodesAndRestartsWithoutTheAgentStore) {
  {
    Environment e({{"SLURM_PROCID", "0"},
                   {"SLURM_NTASKS", "10"},
                   {"SLURM_NTASKS_PER_NODE", "4(x2),2"},
                   {"MASTER_ADDR", "node01"}});
    EXPECT_EQ(launch_env_from_environment()->local_world_size, 4);
  }
  Environment e({{"RANK", "0"},
                 {"WORLD_SIZE", "2"},
                 {"MASTER_ADDR", "127.0.0.1"},
                 {"TORCHELASTIC_RUN_ID", "r"},
                 {"TORCHELASTIC_RESTART_COUNT", "3"}});
  const auto env = launch_env_from_environment();
  EXPECT_FALSE(env->agent_store);
  EXPECT_EQ(env->restart_count, 3);
}

TEST(LaunchEnv, MalformedOrInconsistentVariablesAreNamed) {
  const auto expect_refused = [](const std::map<std::string, std::string>& values,
                                 const std::string& name, const std::string& what) {
    Environment e(values);
    test_support::expect_error<core::Error>([] { launch_env_from_environment(); }, name, what);
  };
  expect_refused({{"RANK", "2"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "a"}}, "RANK=2",
                 "expected an integer in [0, 1]");
  expect_refused({{"RANK", "0"}, {"WORLD_SIZE", "two"}}, "WORLD_SIZE=two", "expected an integer");
  expect_refused({{"RANK", "1"}, {"WORLD_SIZE", "2"}}, "MASTER_ADDR", "is not set");
  expect_refused({{"WORLD_SIZE", "2"}, {"MASTER_ADDR", "a"}}, "RANK", "is not set");
  expect_refused({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "a"}, {"MASTER_PORT", "0"}},
                 "MASTER_PORT=0", "[1, 65535]");
  expect_refused({{"RANK", "0"},
                  {"WORLD_SIZE", "2"},
                  {"LOCAL_RANK", "3"},
                  {"LOCAL_WORLD_SIZE", "2"},
                  {"MASTER_ADDR", "a"}},
                 "LOCAL_RANK", "local rank 3 is not below the local world size 2");
  expect_refused({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "-1"}}, "SLURM_NTASKS=-1",
                 "expected an integer");
}

}  // namespace
}  // namespace melrecon::dist

#include "dist/launch_env.h"

#include <cstdlib>

#include "core/error.h"

namespace melrecon::dist {
namespace {

std::optional<std::string> variable(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

int64_t integer(const char* name, const std::string& text, int64_t low, int64_t high) {
  size_t used = 0;
  int64_t value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  MELRECON_CHECK(used == text.size() && used > 0 && value >= low && value <= high,
                 "environment variable {}={}: expected an integer in [{}, {}]", name, text, low,
                 high);
  return value;
}

int64_t required(const char* name, int64_t low, int64_t high) {
  const auto text = variable(name);
  MELRECON_CHECK(text, "environment variable {} is not set (the launcher sets it with the others)",
                 name);
  return integer(name, *text, low, high);
}

}  // namespace

std::optional<LaunchEnv> launch_env_from_environment() {
  constexpr int64_t kMaxRanks = 1 << 20;
  LaunchEnv env;
  if (variable("RANK") || variable("WORLD_SIZE")) {
    env.launcher = variable("TORCHELASTIC_RUN_ID") ? "torchrun" : "melrecon";
    env.world_size = required("WORLD_SIZE", 1, kMaxRanks);
    env.rank = required("RANK", 0, env.world_size - 1);
    env.local_rank = variable("LOCAL_RANK") ? required("LOCAL_RANK", 0, kMaxRanks) : env.rank;
    env.local_world_size =
        variable("LOCAL_WORLD_SIZE") ? required("LOCAL_WORLD_SIZE", 1, kMaxRanks) : env.world_size;
    const auto agent = variable("TORCHELASTIC_USE_AGENT_STORE");
    env.agent_store = agent && (*agent == "True" || *agent == "true" || *agent == "1");
    env.restart_count = variable("TORCHELASTIC_RESTART_COUNT")
                            ? required("TORCHELASTIC_RESTART_COUNT", 0, kMaxRanks)
                            : 0;
  } else if (variable("SLURM_PROCID") && variable("SLURM_NTASKS")) {
    env.launcher = "slurm";
    env.world_size = required("SLURM_NTASKS", 1, kMaxRanks);
    env.rank = required("SLURM_PROCID", 0, env.world_size - 1);
    env.local_rank = variable("SLURM_LOCALID") ? required("SLURM_LOCALID", 0, kMaxRanks) : 0;
    // "4", "4(x2)" or "4(x2),2": tasks per node (the first count; it only shares out the cores).
    const auto per_node = variable("SLURM_NTASKS_PER_NODE");
    env.local_world_size =
        per_node ? integer("SLURM_NTASKS_PER_NODE",
                           per_node->substr(0, per_node->find_first_of("(,")), 1, kMaxRanks)
                 : 1;
  } else {
    return std::nullopt;
  }
  MELRECON_CHECK(env.local_rank < env.local_world_size,
                 "local rank {} is not below the local world size {} (LOCAL_RANK / SLURM_LOCALID)",
                 env.local_rank, env.local_world_size);
  const auto addr = variable("MASTER_ADDR");
  MELRECON_CHECK(addr || env.world_size == 1,
                 "environment variable MASTER_ADDR is not set: the address of rank 0's machine "
                 "({} sets it; under SLURM the job script exports it)",
                 env.launcher == "slurm" ? "torchrun" : env.launcher);
  env.master_addr = addr.value_or("127.0.0.1");
  if (const auto port = variable("MASTER_PORT")) {
    env.master_port = integer("MASTER_PORT", *port, 1, 65535);
  }
  return env;
}

}  // namespace melrecon::dist

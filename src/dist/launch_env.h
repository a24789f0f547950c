// Where this process sits in a group of training processes, read from the environment that
// torchrun sets (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT, and
// TORCHELASTIC_USE_AGENT_STORE / TORCHELASTIC_RESTART_COUNT when its agent holds the store), or
// that SLURM's srun sets (SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID, SLURM_NTASKS_PER_NODE; the
// job script exports MASTER_ADDR, and MASTER_PORT unless 29500 suits).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace melrecon::dist {

struct LaunchEnv {
  int64_t rank = 0;
  int64_t world_size = 1;
  int64_t local_rank = 0;
  int64_t local_world_size = 1;
  std::string master_addr;
  int64_t master_port = 29500;
  // torchrun's agent runs the store: connect as a client, under its per-attempt prefix.
  bool agent_store = false;
  int64_t restart_count = 0;
  std::string launcher;  // "torchrun" | "slurm" | "melrecon": for messages
};

// None when the process was started alone. A variable that is set but malformed or
// inconsistent (RANK >= WORLD_SIZE, a port out of range, MASTER_ADDR missing) is an error naming
// it.
std::optional<LaunchEnv> launch_env_from_environment();

}  // namespace melrecon::dist

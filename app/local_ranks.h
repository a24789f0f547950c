// `melrecon train --nproc N`: N processes of this same command on this machine, one rank each,
// with the environment torchrun would give them (RANK, WORLD_SIZE, LOCAL_RANK,
// LOCAL_WORLD_SIZE, MASTER_ADDR=127.0.0.1, a free MASTER_PORT), no Python needed.
#pragma once

#include <string>
#include <vector>

namespace melrecon::app {

// The command line as main received it (set once by main).
void set_command_line(int argc, char** argv);
const std::vector<std::string>& command_line();

// Runs the command line without its --nproc option as `nproc` ranks and waits. When a rank
// fails, the others are stopped (SIGTERM, then SIGKILL after 10 s) and a core::Error names the
// rank and how it ended; returns when all succeeded.
void run_local_ranks(int nproc);

}  // namespace melrecon::app

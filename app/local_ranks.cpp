#include "app/local_ranks.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "core/error.h"

namespace melrecon::app {
namespace {

std::vector<std::string>& stored_command_line() {
  static std::vector<std::string> line;
  return line;
}

// A TCP port free on the loopback now (the kernel's choice for port 0).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  MELRECON_CHECK(fd >= 0, "--nproc: cannot open a socket to find a free port");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  MELRECON_CHECK(ok, "--nproc: cannot find a free port on 127.0.0.1");
  return ntohs(addr.sin_port);
}

// The command line without "--nproc N" / "--nproc=N".
std::vector<std::string> without_nproc(const std::vector<std::string>& line) {
  std::vector<std::string> out;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == "--nproc") {
      ++i;
    } else if (line[i].rfind("--nproc=", 0) != 0) {
      out.push_back(line[i]);
    }
  }
  return out;
}

std::string how_it_ended(int status) {
  if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
  return "exited with code " + std::to_string(WEXITSTATUS(status));
}

}  // namespace

void set_command_line(int argc, char** argv) { stored_command_line().assign(argv, argv + argc); }
const std::vector<std::string>& command_line() { return stored_command_line(); }

void run_local_ranks(int nproc) {
  const std::vector<std::string> args = without_nproc(command_line());
  const std::string port = std::to_string(free_port());
  std::vector<pid_t> pids;
  for (int rank = 0; rank < nproc; ++rank) {
    const pid_t pid = ::fork();
    MELRECON_CHECK(pid >= 0, "--nproc: cannot start rank {}", rank);
    if (pid == 0) {
      ::setenv("RANK", std::to_string(rank).c_str(), 1);
      ::setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
      ::setenv("WORLD_SIZE", std::to_string(nproc).c_str(), 1);
      ::setenv("LOCAL_WORLD_SIZE", std::to_string(nproc).c_str(), 1);
      ::setenv("MASTER_ADDR", "127.0.0.1", 1);
      ::setenv("MASTER_PORT", port.c_str(), 1);
      std::vector<char*> argv;
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv("/proc/self/exe", argv.data());
      ::_exit(127);
    }
    pids.push_back(pid);
  }
  int running = nproc;
  std::string failure;
  while (running > 0) {
    int status = 0;
    const pid_t done = ::waitpid(-1, &status, 0);
    if (done < 0) break;
    --running;
    int rank = 0;
    while (rank < nproc && pids[rank] != done) ++rank;
    if (rank == nproc) continue;
    pids[rank] = -1;
    if ((WIFEXITED(status) && WEXITSTATUS(status) == 0) || !failure.empty()) continue;
    failure = "rank " + std::to_string(rank) + " of " + std::to_string(nproc) + " " +
              how_it_ended(status);
    // Stop the others: politely, then for good.
    for (pid_t p : pids) {
      if (p > 0) ::kill(p, SIGTERM);
    }
    std::thread([pids] {
      std::this_thread::sleep_for(std::chrono::seconds(10));
      for (pid_t p : pids) {
        if (p > 0) ::kill(p, SIGKILL);
      }
    }).detach();
  }
  MELRECON_CHECK(failure.empty(),
                 "train --nproc: {}; the other ranks were stopped (the last "
                 "checkpoint is kept; --resume continues)",
                 failure);
}

}  // namespace melrecon::app

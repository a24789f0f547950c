#include "io/isolated_read.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <exception>

#include "core/error.h"

// The sanitizers' death callback (libFuzzer's writes a crash file and ends the run), absent
// outside sanitizer builds: a child's crash is the parent's to report.
extern "C" void __sanitizer_set_death_callback(void (*callback)()) __attribute__((weak));

namespace melrecon::io {
namespace {

bool write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Everything the child writes, until it closes the pipe or the time limit passes (`timed_out`).
std::string read_all(int fd, int limit_seconds, bool& timed_out) {
  std::string out;
  char buffer[65536];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(limit_seconds);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    const int ready = left.count() > 0 ? ::poll(&p, 1, static_cast<int>(left.count())) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      timed_out = true;
      return out;
    }
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return out;
    out.append(buffer, static_cast<size_t>(n));
  }
}

// The child: one status byte ('+' result, '-' error message), then the text.
[[noreturn]] void run_child(int fd, const std::function<std::string()>& read) {
  if (__sanitizer_set_death_callback != nullptr) __sanitizer_set_death_callback(nullptr);
  std::string message;
  char status = '+';
  try {
    message = read();
  } catch (const std::exception& e) {
    status = '-';
    message = e.what();
  }
  const bool written = write_all(fd, &status, 1) && write_all(fd, message.data(), message.size());
  ::_exit(written ? 0 : 1);
}

}  // namespace

std::string read_isolated(const std::function<std::string()>& read, const std::string& what,
                          int limit_seconds) {
  int fds[2];
  MELRECON_CHECK(::pipe(fds) == 0, "{}: cannot create a pipe ({})", what, std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    run_child(fds[1], read);
  }
  ::close(fds[1]);
  if (pid < 0) {
    ::close(fds[0]);
    core::fail("{}: cannot start a reader process ({})", what, std::strerror(errno));
  }
  bool timed_out = false;
  const std::string output = read_all(fds[0], limit_seconds, timed_out);
  ::close(fds[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  MELRECON_CHECK(!timed_out, "{}: reading it did not finish within {} s (a damaged file?)", what,
                 limit_seconds);
  MELRECON_CHECK(!WIFSIGNALED(status),
                 "{}: damaged, the reader crashed on it ({}); the file cannot be read", what,
                 strsignal(WTERMSIG(status)));
  MELRECON_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0 && !output.empty(),
                 "{}: the reader process failed", what);
  if (output[0] == '-') core::fail("{}", output.substr(1));
  return output.substr(1);
}

}  // namespace melrecon::io

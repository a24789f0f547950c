#include "train/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>

namespace melrecon::train {

std::string format_duration(double seconds) {
  const int64_t s = static_cast<int64_t>(std::llround(std::max(0.0, seconds)));
  if (s >= 3600) return fmt::format("{}h{:02d}m", s / 3600, (s % 3600) / 60);
  if (s >= 60) return fmt::format("{}m{:02d}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

Progress::Progress(int64_t total, int64_t start, bool enabled, std::FILE* out)
    : total_(total),
      start_(start),
      enabled_(enabled),
      tty_(isatty(fileno(out)) != 0),
      out_(out),
      started_(std::chrono::steady_clock::now()) {}

void Progress::update(int64_t done, const std::string& details) {
  if (!enabled_) return;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const int64_t since = done - start_;
  const double per_step = since > 0 ? elapsed / since : 0.0;
  const double eta = per_step * (total_ - done);
  const int width = 24;
  const int filled = total_ > 0 ? static_cast<int>(width * done / total_) : width;
  const std::string bar = std::string(filled, '=') + (filled < width ? ">" : "") +
                          std::string(std::max(0, width - filled - 1), ' ');
  const std::string line = fmt::format("[{}] {}/{} {:.2f}s/step ETA {} {}", bar, done, total_,
                                       per_step, format_duration(eta), details);
  if (tty_) {
    fmt::print(out_, "\r{:<120}", line);
    std::fflush(out_);
  } else {
    // about 20 lines per run
    const int64_t every = std::max<int64_t>(1, total_ / 20);
    if (done / every != last_printed_ || done == total_) {
      last_printed_ = done / every;
      fmt::print(out_, "{}\n", line);
    }
  }
}

void Progress::finish() {
  if (enabled_ && tty_) fmt::print(out_, "\n");
}

}  // namespace melrecon::train

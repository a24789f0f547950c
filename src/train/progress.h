// A progress line for long runs: bar, step, throughput, ETA and whatever the caller adds
// (loss, validation PSNR/SSIM, peak memory). On a terminal it redraws one line; otherwise it
// prints a line every `every` updates, so logs stay readable.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace melrecon::train {

class Progress {
 public:
  Progress(int64_t total, int64_t start, bool enabled, std::FILE* out = stderr);
  void update(int64_t done, const std::string& details);
  void finish();

 private:
  int64_t total_, start_;
  bool enabled_, tty_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point started_;
  int64_t last_printed_ = -1;
};

std::string format_duration(double seconds);  // "1h02m", "3m12s", "45s"

}  // namespace melrecon::train

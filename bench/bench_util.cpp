#include "bench_util.h"

#include <fmt/format.h>

#include "core/device_sync.h"

namespace melrecon::bench {

double median_seconds(const std::function<void()>& fn, int repeats, int warmup, c10::Device device) {
  for (int i = 0; i < warmup; ++i) fn();
  core::synchronize(device);
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    core::synchronize(device);
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

std::string format_bytes(int64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (b >= 1024.0 * 1024 * 1024) return fmt::format("{:.2f} GiB", b / (1024.0 * 1024 * 1024));
  return fmt::format("{:.1f} MiB", b / (1024.0 * 1024));
}

}  // namespace melrecon::bench

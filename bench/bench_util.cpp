#include "bench_util.h"

#include <fmt/format.h>

#include "core/config.h"
#if MELRECON_HAVE_CUDA
#include <c10/cuda/CUDAFunctions.h>
#endif

namespace melrecon::bench {

void synchronize(c10::Device device) {
#if MELRECON_HAVE_CUDA
  if (device.is_cuda()) c10::cuda::device_synchronize();
#endif
}

double median_seconds(const std::function<void()>& fn, int repeats, int warmup, c10::Device device) {
  for (int i = 0; i < warmup; ++i) fn();
  synchronize(device);
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    synchronize(device);
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

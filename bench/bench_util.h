// Small helpers shared by the benchmarks: wall-clock and CPU-time medians (with a device sync),
// the process's resident-set growth, byte formatting.
#pragma once

#include <c10/core/Device.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace melrecon::bench {

struct Timing {
  double wall = 0;  // seconds
  double cpu = 0;   // seconds of CPU time of the whole process (all threads): steadier than the
                    // wall time on a shared machine, and equal to it for one thread at full load
};

// Medians over `repeats` calls of `fn` (after `warmup` untimed calls).
Timing median_timing(const std::function<void()>& fn, int repeats, int warmup, c10::Device device);

// Peak resident set since the process started minus the resident set at `baseline_bytes`
// (current_rss_bytes() taken earlier): how bench/pytorch_modl.py measures PyTorch on the CPU.
int64_t current_rss_bytes();
int64_t peak_rss_growth_bytes(int64_t baseline_bytes);

std::string format_bytes(int64_t bytes);  // "1.23 GiB", "456.7 MiB"

}  // namespace melrecon::bench

// Small helpers shared by the benchmarks: wall-clock medians (with a device sync), byte
// formatting.
#pragma once

#include <c10/core/Device.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace melrecon::bench {

// Median wall time of `repeats` calls of `fn` (after `warmup` untimed calls), in seconds.
double median_seconds(const std::function<void()>& fn, int repeats, int warmup, c10::Device device);

std::string format_bytes(int64_t bytes);  // "1.23 GiB", "456.7 MiB"

}  // namespace melrecon::bench

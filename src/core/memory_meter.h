// Peak live-tensor bytes, measured rather than estimated.
//
// On the CPU, `install()` replaces LibTorch's CPU allocator by a pass-through that counts
// the bytes of every live allocation (so every CPU tensor's storage is counted). On CUDA the
// same questions are answered from the caching allocator's own statistics (bytes allocated
// to tensors, not bytes reserved from the driver).
#pragma once

#include <c10/core/Device.h>

#include <cstdint>

namespace melrecon::core {

class MemoryMeter {
 public:
  // Installs the counting CPU allocator; idempotent. Allocations made before it is installed
  // are not counted (their frees are then ignored too).
  static void install();
  static bool installed();

  static int64_t current_bytes(c10::Device device);
  static int64_t peak_bytes(c10::Device device);
  // Makes the peak equal to the current live bytes: the start of a measurement.
  static void reset_peak(c10::Device device);
};

// Measures the peak added by a region: construct, run the work, read `peak_increase()`.
class PeakScope {
 public:
  explicit PeakScope(c10::Device device);
  int64_t peak_increase() const;  // peak during the scope minus live bytes at its start

 private:
  c10::Device device_;
  int64_t start_bytes_;
};

}  // namespace melrecon::core

// An explicit, seeded random number generator with the same sequence on every platform
// (std::mt19937_64 is specified bit for bit; the std:: distributions are not, so the few
// distributions melrecon needs are written here). No global state: each user owns one.
#pragma once

#include <cstdint>
#include <random>

namespace melrecon::core {

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  uint64_t next() { return engine_(); }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n), n > 0.
  int64_t below(int64_t n) { return static_cast<int64_t>(uniform() * static_cast<double>(n)); }
  // Standard normal (Box-Muller, one value per call).
  double normal();

 private:
  std::mt19937_64 engine_;
};

// A well-mixed seed for stream `index` of `seed` (SplitMix64), e.g. one per case or per frame,
// so that the streams are independent and each can be regenerated on its own.
uint64_t derive_seed(uint64_t seed, uint64_t index);

}  // namespace melrecon::core

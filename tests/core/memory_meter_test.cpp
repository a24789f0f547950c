#include "core/memory_meter.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

namespace melrecon::core {
namespace {

TEST(MemoryMeter, CountsLiveTensorBytesAndPeak) {
  MemoryMeter::install();
  const c10::Device cpu(c10::kCPU);
  const int64_t before = MemoryMeter::current_bytes(cpu);
  MemoryMeter::reset_peak(cpu);
  {
    at::Tensor a = at::empty({1000}, at::kDouble);  // 8000 bytes
    EXPECT_EQ(MemoryMeter::current_bytes(cpu) - before, 8000);
    {
      at::Tensor b = at::empty({500}, at::kFloat);  // 2000 bytes
      EXPECT_EQ(MemoryMeter::current_bytes(cpu) - before, 10000);
    }
    EXPECT_EQ(MemoryMeter::current_bytes(cpu) - before, 8000);
  }
  EXPECT_EQ(MemoryMeter::current_bytes(cpu), before);
  EXPECT_EQ(MemoryMeter::peak_bytes(cpu) - before, 10000);
  MemoryMeter::reset_peak(cpu);
  EXPECT_EQ(MemoryMeter::peak_bytes(cpu), before);
}

TEST(MemoryMeter, PeakScopeMeasuresTheRegion) {
  MemoryMeter::install();
  const c10::Device cpu(c10::kCPU);
  at::Tensor resident = at::ones({4096}, at::kFloat);
  PeakScope scope(cpu);
  {
    at::Tensor a = at::ones({2048}, at::kDouble);  // 16 KiB
    at::Tensor b = a * a;                          // 16 KiB more
  }
  EXPECT_EQ(scope.peak_increase(), 2 * 16384);
}

}  // namespace
}  // namespace melrecon::core

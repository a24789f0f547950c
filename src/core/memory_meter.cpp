#include "core/memory_meter.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <unordered_map>

#include "core/config.h"
#include "core/error.h"

#if MELRECON_HAVE_CUDA
#include <ATen/ATen.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#endif

namespace melrecon::core {
namespace {

std::atomic<int64_t> g_current{0};
std::atomic<int64_t> g_peak{0};

void add_bytes(int64_t n) {
  const int64_t now = g_current.fetch_add(n) + n;
  int64_t peak = g_peak.load();
  while (now > peak && !g_peak.compare_exchange_weak(peak, now)) {
  }
}

// Live counted allocations: data pointer -> (bytes, the base allocator's DataPtr). The DataPtr
// handed out has context == data, which Allocator::raw_allocate (used by oneDNN among others)
// requires, so the size is looked up here when the block is freed.
struct Block {
  int64_t bytes;
  c10::DataPtr inner;
};
std::mutex g_blocks_mutex;
std::unordered_map<void*, Block>& blocks() {
  static auto* map = new std::unordered_map<void*, Block>();  // outlives static destructors
  return *map;
}

void free_counted(void* data) {
  if (data == nullptr) return;
  Block block;
  {
    std::lock_guard<std::mutex> lock(g_blocks_mutex);
    auto it = blocks().find(data);
    if (it == blocks().end()) return;
    block = std::move(it->second);
    blocks().erase(it);
  }
  g_current.fetch_sub(block.bytes);
  // block.inner frees the memory through the base allocator's deleter here
}

// Pass-through allocator. `allocate` is declared both const (LibTorch 1.x) and non-const
// (LibTorch >= 2.3) without `override`, so whichever the base class declares is overridden;
// `copy_data` is pure virtual from LibTorch 2.3 on and a plain member before.
class CountingAllocator final : public c10::Allocator {
 public:
  explicit CountingAllocator(c10::Allocator* base) : base_(base) {}

  c10::DataPtr allocate(size_t n) const { return counted(n); }
  c10::DataPtr allocate(size_t n) { return counted(n); }
  c10::DeleterFnPtr raw_deleter() const override { return &free_counted; }
  void copy_data(void* dest, const void* src, std::size_t count) const {
    std::copy_n(static_cast<const char*>(src), count, static_cast<char*>(dest));
  }

 private:
  c10::DataPtr counted(size_t n) const {
    c10::DataPtr inner = base_->allocate(n);
    void* data = inner.get();
    const c10::Device device = inner.device();
    if (data == nullptr) return inner;  // zero-byte allocations
    add_bytes(static_cast<int64_t>(n));
    {
      std::lock_guard<std::mutex> lock(g_blocks_mutex);
      blocks()[data] = Block{static_cast<int64_t>(n), std::move(inner)};
    }
    return {data, data, &free_counted, device};
  }

  c10::Allocator* base_;
};

std::atomic<bool> g_installed{false};

}  // namespace

void MemoryMeter::install() {
  if (g_installed.exchange(true)) return;
  static CountingAllocator allocator(c10::GetCPUAllocator());
  // Highest priority so that LibTorch's own registration cannot replace it later.
  c10::SetCPUAllocator(&allocator, /*priority=*/255);
}

bool MemoryMeter::installed() { return g_installed.load(); }

namespace {

struct Counts {
  int64_t current;
  int64_t peak;
};

void require_cpu_meter() {
  MELRECON_ASSERT(MemoryMeter::installed(),
                  "MemoryMeter: call MemoryMeter::install() before measuring CPU memory");
}

#if MELRECON_HAVE_CUDA
namespace cuda_alloc = c10::cuda::CUDACachingAllocator;

// The device's index, once CUDA is initialised: the caching allocator refuses statistics ("did
// you call init?") until the process has made its first CUDA tensor, which a measurement may
// precede. An empty tensor initialises it without allocating.
int cuda_index(c10::Device device) {
  (void)at::empty({0}, at::TensorOptions().device(device));
  return device.has_index() ? device.index() : c10::cuda::current_device();
}
#endif

Counts counts(c10::Device device) {
  if (device.is_cpu()) {
    require_cpu_meter();
    return {g_current.load(), g_peak.load()};
  }
#if MELRECON_HAVE_CUDA
  if (device.is_cuda()) {
    const auto stats = cuda_alloc::getDeviceStats(cuda_index(device));
    // Index 0 is StatType::AGGREGATE (all pools); the enum moved namespaces across LibTorch
    // 2.x releases, the layout did not.
    const auto& bytes = stats.allocated_bytes[0];
    return {bytes.current, bytes.peak};
  }
#endif
  fail("MemoryMeter: no memory statistics for device {}", device.str());
}

}  // namespace

int64_t MemoryMeter::current_bytes(c10::Device device) { return counts(device).current; }

int64_t MemoryMeter::peak_bytes(c10::Device device) { return counts(device).peak; }

void MemoryMeter::reset_peak(c10::Device device) {
  if (device.is_cpu()) {
    require_cpu_meter();
    g_peak.store(g_current.load());
    return;
  }
#if MELRECON_HAVE_CUDA
  if (device.is_cuda()) {
    cuda_alloc::resetPeakStats(cuda_index(device));
    return;
  }
#endif
  fail("MemoryMeter: no memory statistics for device {}", device.str());
}

PeakScope::PeakScope(c10::Device device) : device_(device) {
  MemoryMeter::reset_peak(device_);
  start_bytes_ = MemoryMeter::current_bytes(device_);
}

int64_t PeakScope::peak_increase() const { return MemoryMeter::peak_bytes(device_) - start_bytes_; }

}  // namespace melrecon::core

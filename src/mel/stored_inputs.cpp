#include "mel/stored_inputs.h"

#include <ATen/ATen.h>

#include "core/config.h"
#include "core/error.h"

#if MELRECON_HAVE_CUDA
#include <ATen/cuda/CUDAEvent.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace melrecon::mel {

#if MELRECON_HAVE_CUDA
struct StoredInputs::CopyStream {
  explicit CopyStream(c10::Device device)
      : stream(c10::cuda::getStreamFromPool(/*isHighPriority=*/false, device.index())) {}
  c10::cuda::CUDAStream stream;
  int64_t index = -1;    // the input being brought back, -1: none
  at::Tensor on_device;  // its device copy, allocated on `stream`
  at::cuda::CUDAEvent done;
};
#else
struct StoredInputs::CopyStream {};
#endif

StoredInputs::StoredInputs(bool offload_to_host, c10::Device device)
    : offload_(offload_to_host && device.is_cuda()), device_(device) {
#if MELRECON_HAVE_CUDA
  if (offload_) copies_ = std::make_unique<CopyStream>(device_);
#endif
}

StoredInputs::~StoredInputs() = default;

void StoredInputs::push(const at::Tensor& x) {
  if (!offload_) {
    stored_.push_back(x);
    return;
  }
  // Pinned memory makes the copy asynchronous. The caching allocator orders any reuse of x's
  // memory after this copy, since both are on the current stream.
  at::Tensor host = at::empty(x.sizes(), x.options().device(c10::kCPU).pinned_memory(true));
  host.copy_(x, /*non_blocking=*/true);
  stored_.push_back(std::move(host));
}

void StoredInputs::prefetch(int64_t k) {
  if (!offload_ || k < 0) return;
  MELRECON_ASSERT(k < static_cast<int64_t>(stored_.size()) && stored_[k].defined(),
                  "stored inputs: input {} is not stored", k);
#if MELRECON_HAVE_CUDA
  CopyStream& c = *copies_;
  const c10::cuda::CUDAStream current = c10::cuda::getCurrentCUDAStream(device_.index());
  // The host copy was queued on the current stream: the side stream waits for it.
  at::cuda::CUDAEvent stored;
  stored.record(current);
  stored.block(c.stream);
  {
    const c10::cuda::CUDAStreamGuard on_side_stream(c.stream);
    c.on_device = stored_[k].to(device_, /*non_blocking=*/true);
  }
  c.done.record(c.stream);
  c.index = k;
#endif
}

at::Tensor StoredInputs::take(int64_t k) {
  MELRECON_ASSERT(k >= 0 && k < static_cast<int64_t>(stored_.size()) && stored_[k].defined(),
                  "stored inputs: input {} is not stored", k);
  at::Tensor x = std::move(stored_[k]);
  if (!offload_) return x;
#if MELRECON_HAVE_CUDA
  CopyStream& c = *copies_;
  if (c.index == k) {
    const c10::cuda::CUDAStream current = c10::cuda::getCurrentCUDAStream(device_.index());
    c.done.block(current);
    // Made on the side stream, used on this one: the allocator must not reuse it before this
    // stream is done with it.
    c.on_device.record_stream(current);
    c.index = -1;
    return std::move(c.on_device);
  }
#endif
  // Not prefetched: copy back now (ordered on the current stream).
  return x.to(device_, /*non_blocking=*/true);
}

}  // namespace melrecon::mel

// The unroll inputs that MEL keeps from its forward for its backward.
//
// With host offload on a GPU they live in pinned host memory: each input is copied out
// asynchronously (non_blocking, on the compute stream, behind the kernels that made it) when it
// is stored, and copied back one unroll ahead in the backward on a side stream, so that the copy
// overlaps with the recomputation and backward of the unroll after it. GPU memory then holds
// at most two stored inputs instead of N − 1. Without offload, or on the CPU (and in builds
// without CUDA), the tensors are simply kept.
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <memory>
#include <vector>

namespace melrecon::mel {

class StoredInputs {
 public:
  StoredInputs(bool offload_to_host, c10::Device device);
  ~StoredInputs();
  StoredInputs(const StoredInputs&) = delete;
  StoredInputs& operator=(const StoredInputs&) = delete;

  bool offloaded() const { return offload_; }
  // Stores x as the next input (index = the number stored before).
  void push(const at::Tensor& x);
  // Starts bringing input k back to the device (nothing unless offloaded; k < 0: nothing).
  void prefetch(int64_t k);
  // Input k on the device; the stored copy is released.
  at::Tensor take(int64_t k);

 private:
  struct CopyStream;  // CUDA builds: the side stream and the copy in flight

  bool offload_;
  c10::Device device_;
  std::vector<at::Tensor> stored_;
  std::unique_ptr<CopyStream> copies_;
};

}  // namespace melrecon::mel

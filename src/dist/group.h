// A group of training processes on PyTorch's distributed engine (c10d): rendezvous through a
// TCPStore (rank 0 serves it, or torchrun's agent does), collectives through ProcessGroupGloo on
// the CPU and ProcessGroupNCCL on CUDA (one GPU per rank). The concrete backends are held, not
// c10d's ProcessGroup wrapper, whose API changes between releases. Every failure of a
// collective (a peer that exited, a timeout) is a core::Error naming this rank.
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <chrono>
#include <memory>
#include <vector>

#include "dist/launch_env.h"

namespace melrecon::dist {

class Group {
 public:
  // Blocks until all `env.world_size` ranks have joined or `timeout` passes (an error then).
  // `device`: where the tensors of the collectives live (CPU: Gloo; CUDA: NCCL).
  static std::unique_ptr<Group> join(const LaunchEnv& env, c10::Device device,
                                     std::chrono::milliseconds timeout);
  ~Group();

  int64_t rank() const { return env_.rank; }
  int64_t size() const { return env_.world_size; }
  const LaunchEnv& env() const { return env_; }
  // This process's device (the one `join` was given): where its training and collectives run.
  c10::Device device() const { return device_; }

  // One contiguous tensor each (a list would mean one tensor per device to c10d, and be
  // reduced across the list too). In place: every rank ends with rank 0's values.
  void broadcast(at::Tensor& tensor);
  // In place: every rank ends with the sum over ranks.
  void allreduce_sum(at::Tensor& tensor);
  void barrier();

 private:
  struct Impl;
  Group(LaunchEnv env, c10::Device device, std::unique_ptr<Impl> impl);
  LaunchEnv env_;
  c10::Device device_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace melrecon::dist

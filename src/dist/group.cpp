#include "dist/group.h"

#include <fmt/format.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <cstdlib>

#include "core/config.h"
#include "core/error.h"
#if MELRECON_HAVE_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#if MELRECON_HAVE_CUDA
#include <c10/cuda/CUDAFunctions.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

namespace melrecon::dist {

struct Group::Impl {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::Backend> backend;
  std::chrono::milliseconds timeout{0};
};

namespace {

c10::intrusive_ptr<c10d::Store> rendezvous(const LaunchEnv& env,
                                           std::chrono::milliseconds timeout) {
  c10d::TCPStoreOptions options;
  options.port = static_cast<std::uint16_t>(env.master_port);
  options.timeout = timeout;
  if (env.agent_store) {
    // torchrun's agent already serves the store; its workers use this prefix (as
    // torch.distributed's rendezvous does).
    options.isServer = false;
    auto store = c10::make_intrusive<c10d::TCPStore>(env.master_addr, options);
    return c10::make_intrusive<c10d::PrefixStore>(
        fmt::format("/worker/attempt_{}", env.restart_count), store);
  }
  options.isServer = env.rank == 0;
  options.numWorkers = static_cast<std::size_t>(env.world_size);
  options.waitWorkers = true;
  return c10::make_intrusive<c10d::TCPStore>(env.master_addr, options);
}

c10::intrusive_ptr<c10d::Backend> gloo_backend(const LaunchEnv& env,
                                               const c10::intrusive_ptr<c10d::Store>& store,
                                               std::chrono::milliseconds timeout) {
#if MELRECON_HAVE_GLOO
  auto options = c10d::ProcessGroupGloo::Options::create(timeout);
  // The network interface: GLOO_SOCKET_IFNAME as torch.distributed reads it; loopback when
  // every rank runs on this machine with a loopback master; else this host's address.
  const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
  const bool local = env.local_world_size == env.world_size &&
                     (env.master_addr == "127.0.0.1" || env.master_addr == "localhost");
  if (ifname != nullptr && *ifname != '\0') {
    options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
  } else if (local) {
    options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
  } else {
    options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
  }
  return c10::make_intrusive<c10d::ProcessGroupGloo>(
      c10::make_intrusive<c10d::PrefixStore>("gloo/", store), static_cast<int>(env.rank),
      static_cast<int>(env.world_size), options);
#else
  (void)store;
  (void)timeout;
  core::fail(
      "rank {}: data-parallel training on the CPU needs Gloo, left out of this build (no Gloo "
      "headers for its torch: third_party/gloo/README.md); train on GPUs (NCCL) or rebuild",
      env.rank);
#endif
}

c10::intrusive_ptr<c10d::Backend> nccl_backend(const LaunchEnv& env,
                                               const c10::intrusive_ptr<c10d::Store>& store,
                                               std::chrono::milliseconds timeout) {
#if MELRECON_HAVE_CUDA
  auto options = c10d::ProcessGroupNCCL::Options::create();
  options->timeout = timeout;
  return c10::make_intrusive<c10d::ProcessGroupNCCL>(
      c10::make_intrusive<c10d::PrefixStore>("nccl/", store), static_cast<int>(env.rank),
      static_cast<int>(env.world_size), options);
#else
  core::fail("distributed training on CUDA needs a CUDA build of melrecon (NCCL)");
#endif
}

}  // namespace

Group::Group(LaunchEnv env, c10::Device device, std::unique_ptr<Impl> impl)
    : env_(std::move(env)), device_(device), impl_(std::move(impl)) {}
Group::~Group() = default;

std::unique_ptr<Group> Group::join(const LaunchEnv& env, c10::Device device,
                                   std::chrono::milliseconds timeout) {
#if MELRECON_HAVE_CUDA
  // The process's implicit CUDA work (NCCL's communicator, pinned host memory) on its own GPU,
  // not on GPU 0.
  if (device.is_cuda() && device.has_index()) c10::cuda::set_device(device.index());
#endif
  auto impl = std::make_unique<Impl>();
  impl->timeout = timeout;
  try {
    impl->store = rendezvous(env, timeout);
    impl->backend = device.is_cuda() ? nccl_backend(env, impl->store, timeout)
                                     : gloo_backend(env, impl->store, timeout);
  } catch (const core::Error&) {
    throw;
  } catch (const std::exception& e) {
    core::fail("rank {} of {}: could not join the group at {}:{} within {} s ({}): {}", env.rank,
               env.world_size, env.master_addr, env.master_port, timeout.count() / 1000,
               env.launcher, core::first_line(e.what()));
  }
  return std::unique_ptr<Group>(new Group(env, device, std::move(impl)));
}

namespace {

// Runs a collective to completion; any failure names the rank and the operation.
template <typename Start>
void complete(const LaunchEnv& env, const char* what, std::chrono::milliseconds timeout,
              const Start& start) {
  try {
    c10::intrusive_ptr<c10d::Work> work = start();
    work->wait(timeout);
  } catch (const std::exception& e) {
    core::fail("rank {} of {}: {} failed (another rank exited, or did not answer within {} s): {}",
               env.rank, env.world_size, what, timeout.count() / 1000, core::first_line(e.what()));
  }
}

}  // namespace

void Group::broadcast(at::Tensor& tensor) {
  std::vector<at::Tensor> tensors{tensor};
  complete(env_, "broadcast", impl_->timeout, [&] {
    c10d::BroadcastOptions options;
    options.rootRank = 0;
    return impl_->backend->broadcast(tensors, options);
  });
}

void Group::allreduce_sum(at::Tensor& tensor) {
  std::vector<at::Tensor> tensors{tensor};
  complete(env_, "allreduce", impl_->timeout, [&] {
    c10d::AllreduceOptions options;
    options.reduceOp = c10d::ReduceOp::SUM;
    return impl_->backend->allreduce(tensors, options);
  });
}

void Group::barrier() {
  complete(env_, "barrier", impl_->timeout, [&] { return impl_->backend->barrier(); });
}

}  // namespace melrecon::dist

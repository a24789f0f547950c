// Host offload of MEL's stored unroll inputs changes where they live, never the gradients: a
// no-op on the CPU, and on a GPU (when there is one) the same gradients with less device memory.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/cuda.h>

#include "core/memory_meter.h"
#include "mel/gradient_strategy.h"
#include "mel/stored_inputs.h"
#include "support/small_problem.h"

namespace melrecon::mel {
namespace {

struct Step {
  std::vector<at::Tensor> grads;
  int64_t peak_bytes = 0;
};

Step mel_step(const modl::ModlProblem& problem, c10::Device device, bool offload) {
  const test_support::SmallGeometry g = test_support::small_geometries()[0];
  modl::Modl model = test_support::small_model(test_support::small_modl_options(g, 8), 2);
  model->to(device);
  const at::Tensor target = test_support::random_complex(problem.aty.sizes(), 3).to(device);
  const LossFn loss = [&](const at::Tensor& x) { return (x - target).abs().pow(2).sum(); };
  core::MemoryMeter::install();
  core::PeakScope scope(device);
  make_gradient_strategy(mel::Strategy::mel, StrategyOptions().offload_to_host(offload))
      ->forward_backward(*model, problem, loss);
  Step s{{}, scope.peak_increase()};
  for (const auto& p : model->parameters()) s.grads.push_back(p.grad().cpu());
  return s;
}

TEST(HostOffload, IsANoOpOnTheCpu) {
  EXPECT_FALSE(StoredInputs(true, c10::kCPU).offloaded());
  const auto problem = test_support::small_problem(test_support::small_geometries()[0], 1);
  const Step kept = mel_step(problem, c10::kCPU, false);
  const Step offloaded = mel_step(problem, c10::kCPU, true);
  ASSERT_EQ(kept.grads.size(), offloaded.grads.size());
  for (size_t i = 0; i < kept.grads.size(); ++i) {
    EXPECT_TRUE(at::equal(kept.grads[i], offloaded.grads[i])) << "parameter " << i;
  }
}

TEST(HostOffload, OnTheGpuGivesTheSameGradients) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "needs a CUDA device";
  const c10::Device cuda(c10::kCUDA, 0);
  unrolled::RandomProblemSpec spec;
  spec.image_shape = {1, 96, 80};
  const auto problem = unrolled::random_problem(spec, 1, at::kComplexDouble, cuda);
  const Step kept = mel_step(problem, cuda, false);
  const Step offloaded = mel_step(problem, cuda, true);
  for (size_t i = 0; i < kept.grads.size(); ++i) {
    EXPECT_LT(test_support::relative_error(offloaded.grads[i], kept.grads[i]), 1e-12) << i;
  }
  // Kept on the device, the last unroll runs beside 6 stored inputs; offloaded, beside 1.
  EXPECT_LT(offloaded.peak_bytes, kept.peak_bytes);
}

}  // namespace
}  // namespace melrecon::mel

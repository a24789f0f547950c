// The same properties on a CUDA device, where the 3D CNN runs the native convolution instead of
// the CPU's depth-major one: results equal the CPU's (float64), mel equals full to round-off,
// MEL's peak does not grow with unrolls (CUDA allocator statistics), and a float16 step with
// loss scaling is finite; the depth-major convolution forced on CUDA equals the native one.
// Skipped with a message when no GPU is present.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/cuda.h>

#include <algorithm>
#include <cmath>
#include <iostream>

#include "core/memory_meter.h"
#include "mel/gradient_strategy.h"
#include "support/small_problem.h"

namespace melrecon::mel {
namespace {

const c10::Device kCuda(c10::kCUDA, 0);

#define SKIP_WITHOUT_CUDA() \
  if (!torch::cuda::is_available()) GTEST_SKIP() << "needs a CUDA device"

modl::ModlProblem problem_on(const test_support::SmallGeometry& g, c10::ScalarType dtype,
                             c10::Device device) {
  unrolled::RandomProblemSpec spec;
  spec.image_shape = g.image_shape;
  spec.coils = g.coils;
  spec.fft_axes = g.fft_axes;
  return unrolled::random_problem(spec, 1, dtype, device);
}

struct StepOutput {
  at::Tensor output;
  std::vector<at::Tensor> grads;
};

StepOutput step(mel::Strategy strategy, const test_support::SmallGeometry& g, c10::Device device,
                int64_t unrolls = 3, nn::Conv3dPath path = nn::Conv3dPath::automatic) {
  const auto problem = problem_on(g, at::kComplexDouble, device);
  auto options = test_support::small_modl_options(g, unrolls);
  options.denoiser().cnn().conv3d_path(path);
  modl::Modl model = test_support::small_model(options, 2);
  model->to(device);
  const at::Tensor target = test_support::random_complex(g.image_shape, 3).to(device);
  const LossFn loss = [&](const at::Tensor& x) { return (x - target).abs().pow(2).sum(); };
  const StepResult r = make_gradient_strategy(strategy)->forward_backward(*model, problem, loss);
  StepOutput out{r.output.cpu(), {}};
  for (const auto& p : model->parameters()) out.grads.push_back(p.grad().cpu());
  return out;
}

void expect_close(const StepOutput& a, const StepOutput& b, double tol, const std::string& what) {
  EXPECT_LT(test_support::relative_error(a.output, b.output), tol) << what << ": output";
  ASSERT_EQ(a.grads.size(), b.grads.size());
  for (size_t i = 0; i < a.grads.size(); ++i) {
    EXPECT_LT(test_support::relative_error(a.grads[i], b.grads[i]), tol)
        << what << ": parameter " << i;
  }
}

TEST(Cuda, StepEqualsTheCpuStep) {
  SKIP_WITHOUT_CUDA();
  for (const auto& g : test_support::small_geometries()) {
    expect_close(step(mel::Strategy::mel, g, kCuda), step(mel::Strategy::mel, g, c10::kCPU), 1e-10,
                 g.name);
  }
}

TEST(Cuda, MelEqualsFull) {
  SKIP_WITHOUT_CUDA();
  for (const auto& g : test_support::small_geometries()) {
    expect_close(step(mel::Strategy::mel, g, kCuda), step(mel::Strategy::full, g, kCuda), 1e-10,
                 g.name);
  }
}

// The CPU's depth-major convolution node also runs on CUDA (model.conv3d=depth-major).
TEST(Cuda, DepthMajorEqualsNative) {
  SKIP_WITHOUT_CUDA();
  for (const auto& g : test_support::small_geometries()) {
    if (g.conv == nn::ConvKind::conv2d) continue;
    expect_close(step(mel::Strategy::mel, g, kCuda, 3, nn::Conv3dPath::depth_major),
                 step(mel::Strategy::mel, g, kCuda, 3, nn::Conv3dPath::native), 1e-10, g.name);
  }
}

int64_t cuda_peak(mel::Strategy strategy, int64_t unrolls) {
  const test_support::SmallGeometry g{"3d", {1, 16, 64, 64}, 4, {2, 3}, nn::ConvKind::conv3d};
  const auto problem = problem_on(g, at::kComplexFloat, kCuda);
  auto options = test_support::small_modl_options(g, unrolls);
  options.denoiser().cnn().num_layers(5).features(32);
  modl::Modl model = test_support::small_model(options, 2, at::kFloat);
  model->to(kCuda);
  const at::Tensor target =
      test_support::random_complex(g.image_shape, 3, at::kComplexFloat).to(kCuda);
  const LossFn loss = [&](const at::Tensor& x) { return (x - target).abs().sum(); };
  auto s = make_gradient_strategy(strategy);
  s->forward_backward(*model, problem, loss);  // gradients allocated: steady state
  core::PeakScope scope(kCuda);
  s->forward_backward(*model, problem, loss);
  return scope.peak_increase();
}

TEST(Cuda, MelPeakDoesNotGrowWithUnrolls) {
  SKIP_WITHOUT_CUDA();
  const int64_t mel2 = cuda_peak(mel::Strategy::mel, 2), mel16 = cuda_peak(mel::Strategy::mel, 16);
  const int64_t full2 = cuda_peak(mel::Strategy::full, 2),
                full16 = cuda_peak(mel::Strategy::full, 16);
  std::cout << "CUDA peak step bytes: mel " << mel2 << " -> " << mel16 << ", full " << full2
            << " -> " << full16 << " (2 -> 16 unrolls)\n";
  EXPECT_LE(static_cast<double>(mel16), 1.25 * mel2);
  // Growth, not a ratio: both peaks hold cuDNN's workspace, the same at any unroll count. Full
  // grows by ten times MEL's growth, or at least ten complex64 images of the 16x64x64 geometry.
  const int64_t image_bytes = 16 * 64 * 64 * 8;
  EXPECT_GE(full16 - full2, 10 * std::max<int64_t>(mel16 - mel2, image_bytes));
}

// melrecon plan reads the statistics before its process has made a CUDA tensor (ctest runs
// each test in a process of its own).
TEST(Cuda, MemoryStatisticsBeforeTheFirstCudaTensor) {
  SKIP_WITHOUT_CUDA();
  core::MemoryMeter::reset_peak(kCuda);
  const int64_t before = core::MemoryMeter::current_bytes(kCuda);
  const at::Tensor t = at::empty({1 << 18}, at::TensorOptions(at::kFloat).device(kCuda));
  EXPECT_GE(core::MemoryMeter::current_bytes(kCuda) - before, 1 << 20);
  EXPECT_GE(core::MemoryMeter::peak_bytes(kCuda) - before, 1 << 20);
}

TEST(Cuda, Float16StepIsFinite) {
  SKIP_WITHOUT_CUDA();
  const test_support::SmallGeometry g{"3d", {1, 8, 32, 32}, 4, {2, 3}, nn::ConvKind::conv3d};
  const auto problem = problem_on(g, at::kComplexFloat, kCuda);
  auto options = test_support::small_modl_options(g, 4);
  options.denoiser().cnn().compute_dtype(at::kHalf);
  modl::Modl model = test_support::small_model(options, 2, at::kFloat);
  model->to(kCuda);
  const at::Tensor target =
      test_support::random_complex(g.image_shape, 3, at::kComplexFloat).to(kCuda);
  const LossFn loss = [&](const at::Tensor& x) { return (x - target).abs().sum() * 1024.0; };
  const StepResult r =
      make_gradient_strategy(mel::Strategy::mel)->forward_backward(*model, problem, loss);
  EXPECT_TRUE(std::isfinite(r.loss.item<double>()));
  for (const auto& p : model->parameters()) EXPECT_TRUE(p.grad().isfinite().all().item<bool>());
}

}  // namespace
}  // namespace melrecon::mel

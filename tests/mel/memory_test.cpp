// Peak live bytes (counting allocator) of a training step as the number of unrolls grows:
// MEL stays flat, plain backprop grows with N. float32, the dtype training uses (float64
// convolutions on the CPU take a different path with large im2col buffers).
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <iostream>

#include "core/memory_meter.h"
#include "mel/gradient_strategy.h"
#include "support/small_problem.h"

namespace melrecon::mel {
namespace {

int64_t peak_step_bytes(const std::string& strategy, int64_t unrolls) {
  core::MemoryMeter::install();
  const testing::SmallGeometry g{"2d", {1, 32, 32}, 4, {}, nn::ConvKind::conv2d};
  const auto problem = testing::small_problem(g, 1, at::kComplexFloat);
  auto options = testing::small_modl_options(g, unrolls);
  options.denoiser_.cnn_.num_layers(5).features(32);
  modl::Modl model = testing::small_model(options, 2, at::kFloat);
  const at::Tensor target = testing::random_complex(problem.aty.sizes(), 3);
  const LossFn loss = [&](const at::Tensor& x) { return (x - target).abs().sum(); };
  auto s = make_gradient_strategy(strategy);
  model->zero_grad();
  s->forward_backward(model, problem, loss);  // gradients allocated: steady state
  core::PeakScope scope(c10::Device(c10::kCPU));
  s->forward_backward(model, problem, loss);
  return scope.peak_increase();
}

TEST(MelMemory, MelPeakDoesNotGrowWithUnrollsWhileFullDoes) {
  const int64_t mel2 = peak_step_bytes("mel", 2), mel16 = peak_step_bytes("mel", 16);
  const int64_t full2 = peak_step_bytes("full", 2), full16 = peak_step_bytes("full", 16);
  RecordProperty("mel_2", std::to_string(mel2));
  RecordProperty("mel_16", std::to_string(mel16));
  RecordProperty("full_2", std::to_string(full2));
  RecordProperty("full_16", std::to_string(full16));
  std::cout << "peak step bytes: mel " << mel2 << " -> " << mel16 << ", full " << full2 << " -> "
            << full16 << " (2 -> 16 unrolls)\n";
  EXPECT_LE(static_cast<double>(mel16), 1.25 * mel2) << "mel: " << mel2 << " -> " << mel16;
  EXPECT_GE(static_cast<double>(full16), 4.0 * full2) << "full: " << full2 << " -> " << full16;
  EXPECT_LT(mel16, full16);
}

}  // namespace
}  // namespace melrecon::mel

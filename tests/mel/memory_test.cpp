// Peak live bytes (counting allocator) of a training step as the number of unrolls grows, for
// every architecture (test_support::architectures) on 2D, 3D and 2D+time: MEL stays flat, plain
// backprop grows with N. float32, the dtype training uses (float64 convolutions on the CPU take a
// different path with large im2col buffers).
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <iostream>

#include "core/memory_meter.h"
#include "mel/gradient_strategy.h"
#include "support/small_problem.h"

namespace melrecon::mel {
namespace {

int64_t peak_step_bytes(const std::string& arch, const test_support::SmallGeometry& g,
                        mel::Strategy strategy, int64_t unrolls) {
  core::MemoryMeter::install();
  const auto problem = test_support::small_problem(g, 1, at::kComplexFloat);
  const auto cnn = nn::ResidualCnnOptions().kind(g.conv).num_layers(5).features(32);
  const std::shared_ptr<unrolled::UnrolledModel> model =
      test_support::small_network(arch, g, unrolls, 2, at::kFloat, nn::DenoiserOptions().cnn(cnn));
  const at::Tensor target = test_support::random_complex(problem.aty.sizes(), 3);
  const LossFn loss = [&](const at::Tensor& x) { return (x - target).abs().sum(); };
  auto s = make_gradient_strategy(strategy);
  model->module().zero_grad();
  s->forward_backward(*model, problem, loss);  // gradients allocated: steady state
  core::PeakScope scope(c10::Device(c10::kCPU));
  s->forward_backward(*model, problem, loss);
  return scope.peak_increase();
}

struct MemoryCase {
  std::string arch;
  test_support::SmallGeometry geometry;
};

void PrintTo(const MemoryCase& c, std::ostream* os) { *os << c.arch << " " << c.geometry.name; }

class MelMemory : public ::testing::TestWithParam<MemoryCase> {};

TEST_P(MelMemory, MelPeakDoesNotGrowWithUnrollsWhileFullDoes) {
  const auto& [arch, g] = GetParam();
  const int64_t mel2 = peak_step_bytes(arch, g, mel::Strategy::mel, 2),
                mel16 = peak_step_bytes(arch, g, mel::Strategy::mel, 16);
  const int64_t full2 = peak_step_bytes(arch, g, mel::Strategy::full, 2),
                full16 = peak_step_bytes(arch, g, mel::Strategy::full, 16);
  std::cout << arch << " " << g.name << " peak step bytes: mel " << mel2 << " -> " << mel16
            << ", full " << full2 << " -> " << full16 << " (2 -> 16 unrolls)\n";
  EXPECT_LE(static_cast<double>(mel16), 1.25 * mel2) << "mel: " << mel2 << " -> " << mel16;
  // full keeps every unroll's graph; 3D convolutions add a fixed workspace to both strategies.
  EXPECT_GE(static_cast<double>(full16), 2.0 * full2) << "full: " << full2 << " -> " << full16;
  EXPECT_LT(mel16, full16);
}

std::vector<MemoryCase> memory_cases() {
  std::vector<MemoryCase> cases;
  for (const std::string& arch : test_support::architectures()) {
    cases.push_back({arch, {"2d", {1, 32, 32}, 4, {}, nn::ConvKind::conv2d}});
    cases.push_back({arch, {"3d", {1, 8, 16, 16}, 4, {}, nn::ConvKind::conv3d}});
    cases.push_back({arch, {"cine", {1, 8, 16, 16}, 4, {1, 2}, nn::ConvKind::conv2p1d}});
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(EveryArchitecture, MelMemory, ::testing::ValuesIn(memory_cases()),
                         [](const auto& info) {
                           return info.param.arch + "_" + info.param.geometry.name;
                         });

}  // namespace
}  // namespace melrecon::mel

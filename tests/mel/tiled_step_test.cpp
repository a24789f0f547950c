// A MoDL step with a tiled denoiser: `mel` and `full` gradients equal the untiled model's, and
// the peak memory of a `mel` step falls when CNN activations dominate it.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <iostream>

#include "core/memory_meter.h"
#include "mel/gradient_strategy.h"
#include "support/small_problem.h"

namespace melrecon::mel {
namespace {

using test_support::SmallGeometry;

// Tiles that cut every geometry of small_geometries() unevenly (halo 3: 3 layers of 3x3).
std::vector<int64_t> tile_for(const SmallGeometry& g) {
  if (g.name == "2d") return {5, 4};
  if (g.name == "3d") return {3, 3, 4};
  return {2, 3, 0};  // cine: frames and rows cut, columns whole
}

std::vector<at::Tensor> step_gradients(mel::Strategy strategy, const SmallGeometry& g,
                                       const modl::ModlProblem& problem,
                                       std::vector<int64_t> tile) {
  auto options = test_support::small_modl_options(g, 3);
  options.denoiser().tile(std::move(tile));
  modl::Modl model = test_support::small_model(options, 2);
  const at::Tensor target = test_support::random_complex(problem.aty.sizes(), 3);
  const LossFn loss = [&](const at::Tensor& x) { return (x - target).abs().pow(2).sum(); };
  make_gradient_strategy(strategy)->forward_backward(*model, problem, loss);
  std::vector<at::Tensor> grads;
  for (const auto& p : model->parameters()) grads.push_back(p.grad().clone());
  return grads;
}

class TiledStep : public ::testing::TestWithParam<SmallGeometry> {};

TEST_P(TiledStep, GradientsEqualTheUntiledModel) {
  const SmallGeometry& g = GetParam();
  const auto problem = test_support::small_problem(g, 1);
  const auto reference = step_gradients(mel::Strategy::full, g, problem, {});
  for (mel::Strategy strategy : {mel::Strategy::mel, mel::Strategy::full}) {
    const auto tiled = step_gradients(strategy, g, problem, tile_for(g));
    ASSERT_EQ(tiled.size(), reference.size());
    for (size_t i = 0; i < tiled.size(); ++i) {
      EXPECT_LT(test_support::relative_error(tiled[i], reference[i]), 1e-10)
          << g.name << " " << core::choice_name(strategy) << " parameter " << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllGeometries, TiledStep,
                         ::testing::ValuesIn(test_support::small_geometries()),
                         [](const auto& info) { return info.param.name; });

int64_t mel_step_peak(std::vector<int64_t> tile) {
  core::MemoryMeter::install();
  const SmallGeometry g{"2d", {1, 128, 128}, 4, {}, nn::ConvKind::conv2d};
  const auto problem = test_support::small_problem(g, 1, at::kComplexFloat);
  auto options = test_support::small_modl_options(g, 2);
  options.denoiser().tile(std::move(tile)).cnn().num_layers(5).features(32);
  modl::Modl model = test_support::small_model(options, 2, at::kFloat);
  const at::Tensor target = test_support::random_complex(problem.aty.sizes(), 3, at::kComplexFloat);
  const LossFn loss = [&](const at::Tensor& x) { return (x - target).abs().sum(); };
  auto mel = make_gradient_strategy(mel::Strategy::mel);
  mel->forward_backward(*model, problem, loss);  // gradients allocated: steady state
  core::PeakScope scope(c10::Device(c10::kCPU));
  mel->forward_backward(*model, problem, loss);
  return scope.peak_increase();
}

TEST(TiledStep, MelPeakFallsWithTheTileWhenActivationsDominate) {
  // 128x128 image, 5 layers x 32 features: untiled, one unroll's graph keeps four 32-channel
  // 128x128 activations (8 MiB) and its backward makes a few more; the data consistency with 4
  // coils and the 2-channel images are ~1-2 MiB. In 32x32 tiles with a halo of 5 the CNN
  // works on 42x42 pieces, 9x less per activation, so what remains is mostly the fixed part:
  // the tiled peak must be below a third of the untiled one.
  const int64_t untiled = mel_step_peak({}), tiled = mel_step_peak({32, 32});
  RecordProperty("untiled_peak_bytes", std::to_string(untiled));
  RecordProperty("tiled_peak_bytes", std::to_string(tiled));
  std::cout << "mel step peak: untiled " << untiled << " B, 32x32 tiles " << tiled << " B, ratio "
            << static_cast<double>(tiled) / untiled << "\n";
  EXPECT_LT(static_cast<double>(tiled), untiled / 3.0);
}

}  // namespace
}  // namespace melrecon::mel

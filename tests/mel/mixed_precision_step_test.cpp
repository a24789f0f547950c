// MEL under a bfloat16 CNN: every recomputation of an unroll is the same bfloat16 function, so
// `mel` still equals `full` to float32 round-off — far below the bfloat16 CNN's own deviation
// from float32, which the test also measures to show the comparison is not vacuous.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <iostream>

#include "mel/gradient_strategy.h"
#include "support/small_problem.h"

namespace melrecon::mel {
namespace {

using test_support::SmallGeometry;

std::vector<at::Tensor> gradients(mel::Strategy strategy, const SmallGeometry& g,
                                  const modl::ModlProblem& problem,
                                  std::optional<c10::ScalarType> cnn_dtype) {
  auto options = test_support::small_modl_options(g, 3);
  options.denoiser().cnn().compute_dtype(cnn_dtype);
  modl::Modl model = test_support::small_model(options, 2, at::kFloat);
  const at::Tensor target = test_support::random_complex(problem.aty.sizes(), 3, at::kComplexFloat);
  const LossFn loss = [&](const at::Tensor& x) { return (x - target).abs().pow(2).sum(); };
  const StepResult result =
      make_gradient_strategy(strategy)->forward_backward(*model, problem, loss);
  // Only the CNN is reduced: its output is cast back, so data consistency (CG) stays complex64.
  EXPECT_EQ(result.output.scalar_type(), at::kComplexFloat);
  std::vector<at::Tensor> grads;
  for (const auto& p : model->parameters()) {
    EXPECT_EQ(p.grad().scalar_type(), at::kFloat) << "parameters and gradients stay float32";
    grads.push_back(p.grad().clone());
  }
  return grads;
}

class Bfloat16Step : public ::testing::TestWithParam<SmallGeometry> {};

TEST_P(Bfloat16Step, MelEqualsFullToFloat32RoundOff) {
  const SmallGeometry& g = GetParam();
  const auto problem = test_support::small_problem(g, 1, at::kComplexFloat);
  const auto full = gradients(mel::Strategy::full, g, problem, at::kBFloat16);
  const auto mel = gradients(mel::Strategy::mel, g, problem, at::kBFloat16);
  const auto float32 = gradients(mel::Strategy::full, g, problem, std::nullopt);
  double mel_error = 0, bf16_error = 0;
  for (size_t i = 0; i < full.size(); ++i) {
    mel_error = std::max(mel_error, test_support::relative_error(mel[i], full[i]));
    bf16_error = std::max(bf16_error, test_support::relative_error(full[i], float32[i]));
  }
  std::cout << g.name << ": mel vs full (bf16 CNN) " << mel_error << ", bf16 vs float32 "
            << bf16_error << "\n";
  EXPECT_LT(mel_error, 1e-6) << g.name;  // measured: 0 (bit-identical on the CPU)
  EXPECT_GT(bf16_error, 100 * mel_error) << g.name << ": the bf16 CNN should differ from float32";
}

INSTANTIATE_TEST_SUITE_P(AllGeometries, Bfloat16Step,
                         ::testing::ValuesIn(test_support::small_geometries()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace melrecon::mel

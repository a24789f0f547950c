// The CNN in bfloat16 (autocast-style), held to bfloat16's precision: u = 2^-8 (8 significant
// bits, ~2.4 decimal digits).
//
// Two facts set every tolerance below, both measured and both asserted here:
// - LibTorch's bfloat16 convolution (forward, input and weight gradients) accumulates in float32
//   and rounds once: each result is the exact convolution of the bfloat16 operands within
//   u·|result| (plus float32 accumulation error). So nothing in our bfloat16 path loses more
//   than one rounding per convolution.
// - The CNN's output and the gradients of its last convolution therefore stay within a few u of
//   float32. Every other gradient passes through ReLU derivatives, which are steps: rounding
//   moves the pre-activations that lie within rounding distance of 0 across it (4-19 of 15360
//   units per layer in a 2D CNN like the one below), and each such flip changes one gradient
//   entry by O(1), not O(u). Those errors grow like √(flip fraction) ∝ √u: measured 0.08-0.2
//   relative here, about half that in a float64 emulation rounding to float16 (u 8x smaller),
//   ~1e-7 when it rounds to float32 (no flips). So they are bounded by a multiple of √(L·u) for
//   L ReLUs, not of u. That is a property of reduced-precision ReLU networks, not of the
//   implementation: the same emulation rounding to bfloat16 matched LibTorch's bfloat16 CNN to
//   4 digits.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/csrc/autograd/autograd.h>

#include <cmath>
#include <iostream>

#include "core/error.h"
#include "nn/conv_layer.h"
#include "nn/denoiser.h"
#include "support/residual_gradients.h"
#include "support/test_support.h"

namespace melrecon::nn {
namespace {

constexpr double kUnit = 1.0 / 256;  // bfloat16 unit round-off, 2^-8

at::Tensor bf16_values(const at::Tensor& t) { return t.to(at::kBFloat16).to(at::kDouble); }

// Output, input gradient, weight gradient, bias gradient of one convolution for the output
// gradient g; in float64 when the layer is float64 (x and g are then used as given).
// True within `width` of the border along the spatial dims (2, 3, ...) of a [B, C, *S] shape.
at::Tensor edge_mask(const std::vector<int64_t>& shape, int64_t width) {
  at::Tensor edge = at::zeros(shape, at::kBool);
  for (size_t d = 2; d < shape.size(); ++d) {
    edge.narrow(d, 0, width).fill_(true);
    edge.narrow(d, shape[d] - width, width).fill_(true);
  }
  return edge;
}

std::vector<at::Tensor> conv_and_gradients(ConvLayer& layer, const at::Tensor& x0,
                                           const at::Tensor& g) {
  const at::Tensor x = x0.detach().requires_grad_(true);
  const at::Tensor y = layer->forward(x);
  const auto grads = torch::autograd::grad({y}, {x, layer->weight, layer->bias}, {g});
  return {y.detach().to(at::kDouble), grads[0].to(at::kDouble), grads[1].to(at::kDouble),
          grads[2].to(at::kDouble)};
}

TEST(MixedPrecision, EachBfloat16ConvolutionIsTheExactResultRoundedOnce) {
  for (const std::vector<int64_t>& kernel : {std::vector<int64_t>{3, 3}, {3, 3, 3}}) {
    for (bool replicate : {false, true}) {
      const std::string what =
          std::to_string(kernel.size()) + "D" + (replicate ? " replicate" : "");
      const auto options = ConvLayerOptions(16, 16, kernel).replicate_padding(replicate);
      at::manual_seed(3);
      ConvLayer bf16(options);  // float32 parameters, bfloat16 compute (the input's dtype)
      ConvLayer exact(options), magnitude(options);
      exact->to(at::kDouble);
      magnitude->to(at::kDouble);
      {
        torch::NoGradGuard no_grad;
        exact->weight.copy_(bf16_values(bf16->weight));
        exact->bias.copy_(bf16_values(bf16->bias));
        magnitude->weight.copy_(exact->weight.abs());
        magnitude->bias.copy_(exact->bias.abs());
      }
      std::vector<int64_t> shape{2, 16};
      for (size_t a = 0; a < kernel.size(); ++a)
        shape.push_back(kernel.size() == 2 ? 24 - 4 * a : 8);
      const at::Tensor x = at::randn(shape).to(at::kBFloat16);
      const at::Tensor g = at::randn(shape).to(at::kBFloat16);
      const auto got = conv_and_gradients(bf16, x, g);
      const auto want = conv_and_gradients(exact, x.to(at::kDouble), g.to(at::kDouble));
      // The same sums over |terms|: what float32 accumulation error is relative to.
      const auto sums =
          conv_and_gradients(magnitude, x.to(at::kDouble).abs(), g.to(at::kDouble).abs());
      const char* names[] = {"output", "input gradient", "weight gradient", "bias gradient"};
      for (size_t i = 0; i < got.size(); ++i) {
        // One rounding (u·|exact|) plus float32 accumulation over at most ~2000 terms
        // (≤ 2000·2^-24 < 2^-12 of the sum of |terms|). Summing in bfloat16 would err by
        // ~u·Σ|terms| and fail this.
        at::Tensor allowed = kUnit * want[i].abs() + sums[i] / 4096;
        if (replicate && i == 1) {
          // Replicate padding's backward folds the gradients of the edge copies back onto the
          // edge in bfloat16: one more rounding per padded axis there, each ≤ u·Σ|terms|.
          allowed = allowed + at::where(edge_mask(shape, 1), kernel.size() * kUnit * sums[i], 0.0);
        }
        const at::Tensor excess = (got[i] - want[i]).abs() - allowed;
        EXPECT_LE(excess.max().item<double>(), 0.0) << what << " " << names[i];
        std::cout << what << " " << names[i] << ": relative error "
                  << test_support::relative_error(got[i], want[i]) << "\n";
      }
    }
  }
}

Denoiser make(ConvKind kind, bool replicate, std::optional<c10::ScalarType> compute) {
  at::manual_seed(5);
  return Denoiser(DenoiserOptions().cnn(ResidualCnnOptions()
                                            .kind(kind)
                                            .num_layers(5)
                                            .features(16)
                                            .replicate_padding(replicate)
                                            .compute_dtype(compute)));
}

TEST(MixedPrecision, Bfloat16CnnIsWithinBfloat16PrecisionOfFloat32) {
  for (ConvKind kind : {ConvKind::conv2d, ConvKind::conv3d, ConvKind::conv2p1d}) {
    for (bool replicate : {false, true}) {
      const std::string what =
          std::string(core::choice_name(kind)) + (replicate ? " replicate" : " zeros");
      const std::vector<int64_t> shape = kind == ConvKind::conv2d
                                             ? std::vector<int64_t>{2, 24, 20}
                                             : std::vector<int64_t>{1, 6, 16, 12};
      const at::Tensor x = test_support::random_complex(shape, 1, at::kComplexFloat);
      const at::Tensor probe = test_support::random_complex(shape, 2, at::kComplexFloat);
      Denoiser f32 = make(kind, replicate, std::nullopt);
      Denoiser bf16 = make(kind, replicate, at::kBFloat16);
      const auto a = test_support::residual_gradients(f32, x, probe);
      const auto b = test_support::residual_gradients(bf16, x, probe);
      EXPECT_EQ(b.residual.scalar_type(), at::kComplexFloat) << what;
      const double forward_error = test_support::relative_error(b.residual, a.residual);
      // The last convolution's weight and bias are the last two parameters; only their
      // gradients reach the loss without a ReLU derivative.
      const size_t last_conv = a.grads.size() - 2;
      const int64_t relus = (kind == ConvKind::conv2p1d ? 2 : 1) * 5 - 1;
      double last_conv_error = 0, behind_relu_error = 0;
      for (size_t i = 0; i < a.grads.size(); ++i) {
        ASSERT_EQ(b.grads[i].scalar_type(), a.grads[i].scalar_type()) << what;
        EXPECT_TRUE(at::isfinite(b.grads[i]).all().item<bool>()) << what << " gradient " << i;
        double& worst = i >= last_conv ? last_conv_error : behind_relu_error;
        worst = std::max(worst, test_support::relative_error(b.grads[i], a.grads[i]));
      }
      std::cout << what << ": bf16 vs float32, residual " << forward_error
                << ", last convolution's gradients " << last_conv_error
                << ", worst gradient behind ReLUs " << behind_relu_error << "\n";
      EXPECT_GT(forward_error, 0.0) << what << ": the CNN did not run in bfloat16";
      // Roundings of each convolution's input, weight and output, not amplified in norm by
      // the forward (measured ~1u).
      EXPECT_LT(forward_error, 4 * kUnit) << what;
      EXPECT_LT(last_conv_error, 4 * kUnit) << what;  // measured ~1u
      // ReLU flips (header): ~√(L·p) for a flip fraction p ≈ u/4 per ReLU; allowed 2·√(L·u).
      EXPECT_LT(behind_relu_error, 2 * std::sqrt(relus * kUnit)) << what;
    }
  }
}

TEST(MixedPrecision, ParametersStayFloat32) {
  Denoiser d = make(ConvKind::conv2d, false, at::kBFloat16);
  d->forward(test_support::random_complex({1, 8, 8}, 3, at::kComplexFloat));
  for (const auto& p : d->parameters()) EXPECT_EQ(p.scalar_type(), at::kFloat);
}

TEST(MixedPrecision, Float16IsRefusedOnTheCpu) {
  Denoiser d = make(ConvKind::conv2d, false, at::kHalf);
  EXPECT_THROW(d->forward(test_support::random_complex({1, 8, 8}, 3, at::kComplexFloat)),
               core::Error);
}

}  // namespace
}  // namespace melrecon::nn

// The U-Net denoiser: same-size output for sizes that are not multiples of 2^levels, autograd
// gradients equal to finite differences (float64), bfloat16 within its precision of float32,
// and the options it does not support rejected with a message.
#include "nn/unet.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/csrc/autograd/autograd.h>

#include "core/error.h"
#include "nn/denoiser.h"
#include "support/test_support.h"

namespace melrecon::nn {
namespace {

UNet make_unet(int64_t rank, int64_t levels, uint64_t seed) {
  at::manual_seed(seed);
  UNet net(UNetOptions().spatial_rank(rank).levels(levels).features(4));
  net->to(at::kDouble);
  return net;
}

struct Case {
  int64_t rank, levels;
  std::vector<int64_t> shape;  // [B, 2, *S]
};

std::vector<Case> cases() {
  return {{2, 2, {2, 2, 13, 10}},
          {2, 3, {1, 2, 8, 8}},
          {3, 2, {1, 2, 5, 9, 6}},
          {3, 1, {2, 2, 4, 6, 7}}};
}

TEST(UNet, OutputHasTheInputsShapeAndDependsOnItsWholeSupport) {
  for (const Case& c : cases()) {
    UNet net = make_unet(c.rank, c.levels, 1);
    const at::Tensor x = at::randn(c.shape, at::kDouble);
    const at::Tensor y = net->forward(x);
    EXPECT_EQ(y.sizes(), x.sizes());
    EXPECT_TRUE(y.isfinite().all().item<bool>());
    // The bottleneck sees the whole image: changing one corner moves the opposite corner.
    at::Tensor x2 = x.clone();
    x2.select(-1, 0).select(-1, 0).add_(10.0);
    const at::Tensor moved = (net->forward(x2) - y).select(-1, -1).select(-1, -1).abs().max();
    EXPECT_GT(moved.item<double>(), 0.0) << "rank " << c.rank << " levels " << c.levels;
  }
}

// Autograd against central differences of Σ probe·U(x) along random directions of x and of
// every parameter at once.
TEST(UNet, GradientsMatchFiniteDifferences) {
  for (const Case& c : cases()) {
    UNet net = make_unet(c.rank, c.levels, 2);
    const at::Tensor x0 = at::randn(c.shape, at::kDouble);
    const at::Tensor probe = at::randn(c.shape, at::kDouble);
    const at::Tensor dx = at::randn(c.shape, at::kDouble);
    std::vector<at::Tensor> params = net->parameters();
    std::vector<at::Tensor> dp;
    for (const auto& p : params) dp.push_back(at::randn_like(p));

    const at::Tensor x = x0.clone().requires_grad_(true);
    std::vector<at::Tensor> wrt{x};
    wrt.insert(wrt.end(), params.begin(), params.end());
    const auto grads = torch::autograd::grad({(net->forward(x) * probe).sum()}, wrt);
    double analytic = (grads[0] * dx).sum().item<double>();
    for (size_t i = 0; i < params.size(); ++i)
      analytic += (grads[i + 1] * dp[i]).sum().item<double>();

    // A small step: a step of 1e-4 moves dozens of ReLU pre-activations across 0 and the
    // difference quotient then misses by percent; at 1e-8 a crossing is unlikely and float64
    // round-off in the quotient stays near 1e-7 relative.
    const double eps = 1e-8;
    auto value_at = [&](double t) {
      at::NoGradGuard no_grad;
      for (size_t i = 0; i < params.size(); ++i) params[i].add_(dp[i], t);
      const double v = (net->forward(x0 + t * dx) * probe).sum().item<double>();
      for (size_t i = 0; i < params.size(); ++i) params[i].sub_(dp[i], t);
      return v;
    };
    const double numeric = (value_at(eps) - value_at(-eps)) / (2 * eps);
    EXPECT_NEAR(analytic, numeric, 1e-5 * std::abs(numeric) + 1e-9)
        << "rank " << c.rank << " levels " << c.levels;
  }
}

TEST(UNet, Bfloat16OutputWithinItsPrecisionOfFloat32) {
  for (const Case& c : cases()) {
    at::manual_seed(3);
    UNet net(UNetOptions().spatial_rank(c.rank).levels(c.levels).features(4));
    UNet half(UNetOptions().spatial_rank(c.rank).levels(c.levels).features(4).compute_dtype(
        at::kBFloat16));
    {
      at::NoGradGuard no_grad;
      const auto src = net->parameters();
      const auto dst = half->parameters();
      for (size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
    }
    const at::Tensor x = at::randn(c.shape);
    const at::Tensor y = half->forward(x);
    EXPECT_EQ(y.scalar_type(), at::kFloat);
    // A dozen bfloat16 roundings (u = 2^-8) in sequence, each relative to its result; and some
    // rounding, or bfloat16 did not run.
    const double err = test_support::relative_error(y, net->forward(x));
    EXPECT_LT(err, 12.0 / 256);
    EXPECT_GT(err, 0.0);
  }
}

TEST(UNet, DenoiserRejectsWhatTheUNetCannotDo) {
  const auto base = DenoiserOptions().unet(UNetOptions().features(4));
  EXPECT_THROW(Denoiser(DenoiserOptions(base).tile({8, 8})), core::Error);
  EXPECT_THROW(Denoiser(DenoiserOptions(base).cnn(ResidualCnnOptions().lipschitz(0.9))),
               core::Error);
  EXPECT_THROW(Denoiser(DenoiserOptions(base).cnn(ResidualCnnOptions().kind(ConvKind::conv2p1d))),
               core::Error);
  // Slice-wise 2D U-Net on a volume: one 2D U-Net per slice.
  Denoiser d(DenoiserOptions(base).slice_wise(true));
  const at::Tensor x = test_support::random_complex({1, 3, 6, 5}, 4, at::kComplexFloat);
  EXPECT_EQ(d->forward(x).sizes(), x.sizes());
}

}  // namespace
}  // namespace melrecon::nn

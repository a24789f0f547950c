#include "nn/denoiser.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "nn/conv_layer.h"
#include "support/expect_error.h"

#include <torch/autograd.h>
#include "support/test_support.h"

namespace melrecon::nn {
namespace {

using test_support::random_complex;
using test_support::relative_error;

Denoiser make_denoiser(ResidualCnnOptions cnn, bool slice_wise = false, uint64_t seed = 1) {
  at::manual_seed(seed);
  Denoiser d(DenoiserOptions().cnn(cnn).slice_wise(slice_wise));
  d->to(at::kDouble);
  d->update_normalisation();
  return d;
}

TEST(ResidualCnn, ShapesForEveryKind) {
  for (auto [kind, shape] : {std::pair{ConvKind::conv2d, std::vector<int64_t>{2, 9, 7}},
                             std::pair{ConvKind::conv3d, std::vector<int64_t>{1, 5, 9, 7}},
                             std::pair{ConvKind::conv2p1d, std::vector<int64_t>{1, 5, 9, 7}}}) {
    Denoiser d = make_denoiser(ResidualCnnOptions().kind(kind).num_layers(3).features(4));
    const at::Tensor x = random_complex(shape, 2);
    const at::Tensor y = d->forward(x);
    EXPECT_EQ(y.sizes(), x.sizes()) << core::choice_name(kind);
    EXPECT_TRUE(y.is_complex());
  }
}

TEST(ResidualCnn, ReplicatePaddingDiffersOnlyNearTheBorder) {
  auto opts = ResidualCnnOptions().num_layers(2).features(4);
  Denoiser zero = make_denoiser(opts, false, 3);
  Denoiser repl = make_denoiser(opts.replicate_padding(true), false, 3);
  const at::Tensor x = random_complex({1, 12, 12}, 4);
  const at::Tensor a = zero->forward(x), b = repl->forward(x);
  // receptive-field radius 2: the inner 8x8 is identical, the border is not
  EXPECT_LT(relative_error(a.narrow(1, 2, 8).narrow(2, 2, 8), b.narrow(1, 2, 8).narrow(2, 2, 8)),
            1e-14);
  EXPECT_GT(relative_error(a, b), 1e-6);
}

// The CPU's float32 convolution (oneDNN) with depth dilation 2 against conv3d in float64.
TEST(ConvLayer, DepthDilationSpacesTheDepthTaps) {
  at::manual_seed(6);
  ConvLayer layer(ConvLayerOptions(2, 3, {3, 3, 3}).depth_dilation(2));
  const at::Tensor x = at::randn({1, 2, 7, 6, 5});
  const at::Tensor w = layer->weight.to(at::kDouble), b = layer->bias.to(at::kDouble);
  const at::Tensor reference = at::conv3d(x.to(at::kDouble), w, b, 1, {2, 1, 1}, {2, 1, 1});
  EXPECT_LT(relative_error(layer->forward(x).to(at::kDouble), reference), 1e-6);
  EXPECT_GT(relative_error(reference, at::conv3d(x.to(at::kDouble), w, b, 1, 1)), 0.1);
  EXPECT_THROW(ConvLayer(ConvLayerOptions(2, 3, {3, 3}).depth_dilation(2)), core::Error);
  EXPECT_THROW(ConvLayer(ConvLayerOptions(2, 3, {3, 3, 3}).depth_dilation(0)), core::Error);
}

// With cyclic depth padding the series has no ends: the CNN commutes with a cyclic shift along
// Z|T (with zero padding it does not), for 3D and (2+1)D kernels, dilated, on both paths.
TEST(ResidualCnn, CyclicDepthCommutesWithACyclicShift) {
  const at::Tensor x = at::randn({1, 2, 7, 6, 5}, at::kDouble);
  const auto shift = [](const at::Tensor& t) { return at::roll(t, {3}, {2}); };
  for (ConvKind kind : {ConvKind::conv3d, ConvKind::conv2p1d}) {
    for (Conv3dPath path : {Conv3dPath::native, Conv3dPath::depth_major}) {
      for (bool cyclic : {true, false}) {
        SCOPED_TRACE(::testing::Message() << core::choice_name(kind) << " "
                                          << core::choice_name(path) << " cyclic " << cyclic);
        at::manual_seed(9);
        ResidualCnn cnn(ResidualCnnOptions()
                            .kind(kind)
                            .num_layers(3)
                            .features(4)
                            .depth_dilation({1, 3, 2})
                            .cyclic_depth(cyclic)
                            .conv3d_path(path));
        cnn->to(at::kDouble);
        const double error = relative_error(cnn->forward(shift(x)), shift(cnn->forward(x)));
        if (cyclic) {
          EXPECT_LT(error, 1e-13);
        } else {
          EXPECT_GT(error, 1e-3);
        }
      }
    }
  }
}

// Each layer gets its own dilation, in order: the CNN equals conv3d → ReLU → ... with the
// dilations {1, 3, 2} and its own weights, in float64 and in float32 (the CPU's oneDNN path).
TEST(ResidualCnn, EachLayerUsesItsOwnDepthDilation) {
  const std::vector<int64_t> dilation{1, 3, 2};
  for (const auto& [dtype, tol] : {std::pair{at::kDouble, 1e-13}, std::pair{at::kFloat, 1e-5}}) {
    SCOPED_TRACE(c10::toString(dtype));
    at::manual_seed(12);
    ResidualCnn cnn(ResidualCnnOptions()
                        .kind(ConvKind::conv3d)
                        .num_layers(3)
                        .features(4)
                        .depth_dilation(dilation)
                        .conv3d_path(Conv3dPath::native));
    cnn->to(dtype);
    const at::Tensor x = at::randn({1, 2, 9, 6, 5}, dtype);
    const auto params = cnn->named_parameters();
    at::Tensor reference = x.to(at::kDouble);
    for (int64_t l = 0; l < 3; ++l) {
      const std::string conv = "convs." + std::to_string(l);
      reference = at::conv3d(reference, params[conv + ".weight"].to(at::kDouble),
                             params[conv + ".bias"].to(at::kDouble), 1, {dilation[l], 1, 1},
                             {dilation[l], 1, 1});
      if (l < 2) reference = at::relu(reference);
    }
    EXPECT_LT(relative_error(cnn->forward(x).to(at::kDouble), reference), tol);
  }
}

TEST(ResidualCnn, DepthDilationsNeedOnePerLayerAndADepthAxis) {
  test_support::expect_error<core::Error>(
      [] {
        ResidualCnn(ResidualCnnOptions().kind(ConvKind::conv3d).depth_dilation({1, 2}));
      },
      "CNN", "2 depth dilations for 5 layers");
  test_support::expect_error<core::Error>(
      [] {
        ResidualCnn(ResidualCnnOptions().kind(ConvKind::conv2d).depth_dilation({1, 2, 1, 1, 1}));
      },
      "CNN", "need 3D or (2+1)D convolutions");
  test_support::expect_error<core::Error>(
      [] { ResidualCnn(ResidualCnnOptions().kind(ConvKind::conv2d).cyclic_depth(true)); }, "CNN",
      "cyclic depth padding needs 3D or (2+1)D convolutions");
  test_support::expect_error<core::Error>(
      [] {
        Denoiser(DenoiserOptions()
                     .cnn(ResidualCnnOptions().kind(ConvKind::conv3d).cyclic_depth(true))
                     .tile({4, 0, 0}));
      },
      "denoiser", "the Z|T axis cannot be tiled");
}

TEST(Denoiser, SliceWiseEqualsThe2dNetworkOnEachSlice) {
  auto opts = ResidualCnnOptions().num_layers(3).features(4);
  Denoiser slices = make_denoiser(opts, true, 5);
  Denoiser single = make_denoiser(opts, false, 5);
  const at::Tensor x = random_complex({2, 3, 8, 6}, 6);
  const at::Tensor y = slices->forward(x);
  for (int64_t z = 0; z < 3; ++z) {
    EXPECT_LT(relative_error(y.select(1, z), single->forward(x.select(1, z))), 1e-14);
  }
}

// Largest ‖R(x) − R(y)‖ / ‖x − y‖ found by gradient ascent on random pairs (a lower bound
// of the true Lipschitz constant).
double empirical_lipschitz(Denoiser& d, at::IntArrayRef shape) {
  double best = 0;
  for (uint64_t s = 0; s < 5; ++s) {
    const at::Tensor x = random_complex(shape, 10 + s);
    const at::Tensor y = x + 1e-3 * random_complex(shape, 20 + s);
    best =
        std::max(best, ((d->residual(x) - d->residual(y)).norm() / (x - y).norm()).item<double>());
  }
  return best;
}

TEST(Denoiser, LipschitzBoundHoldsAndMakesItInvertible) {
  for (ConvKind kind : {ConvKind::conv2d, ConvKind::conv3d, ConvKind::conv2p1d}) {
    Denoiser d = make_denoiser(
        ResidualCnnOptions().kind(kind).num_layers(4).features(8).lipschitz(0.9), false, 7);
    const double bound = d->lipschitz_upper_bound();
    EXPECT_LE(bound, 0.9 * (1 + 1e-6)) << core::choice_name(kind);
    const std::vector<int64_t> shape = kind == ConvKind::conv2d ? std::vector<int64_t>{1, 10, 8}
                                                                : std::vector<int64_t>{1, 4, 10, 8};
    torch::NoGradGuard no_grad;
    EXPECT_LE(empirical_lipschitz(d, shape), bound) << core::choice_name(kind);
    const at::Tensor x = random_complex(shape, 8);
    const auto inv = d->invert(d->forward(x), 1e-13, 1000);
    EXPECT_LT(relative_error(inv.x, x), 1e-10)
        << core::choice_name(kind) << " after " << inv.iterations;
  }
}

TEST(Denoiser, UnconstrainedNetworkExceedsTheBoundWeUse) {
  // Guards the test above: without the constraint a wide network is not a contraction.
  Denoiser d = make_denoiser(ResidualCnnOptions().num_layers(4).features(32), false, 9);
  EXPECT_GT(d->lipschitz_upper_bound(), 1.0);
}

TEST(Denoiser, RejectsWrongRanks) {
  Denoiser d = make_denoiser(ResidualCnnOptions().num_layers(2).features(2));
  EXPECT_THROW(d->forward(random_complex({1, 3, 4, 4}, 1)), core::Error);
  EXPECT_THROW(
      Denoiser(DenoiserOptions().cnn(ResidualCnnOptions().kind(ConvKind::conv3d)).slice_wise(true)),
      core::Error);
}

}  // namespace
}  // namespace melrecon::nn

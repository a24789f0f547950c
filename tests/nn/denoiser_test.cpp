#include "nn/denoiser.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/memory_meter.h"
#include "nn/conv_layer.h"
#include "nn/depth_major_conv.h"
#include "nn/replicate_pad.h"
#include "nn/unet.h"

#include <torch/autograd.h>
#include "support/test_support.h"

namespace melrecon::nn {
namespace {

using testing::random_complex;
using testing::relative_error;

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
    EXPECT_EQ(y.sizes(), x.sizes()) << to_string(kind);
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
    EXPECT_LE(bound, 0.9 * (1 + 1e-6)) << to_string(kind);
    const std::vector<int64_t> shape = kind == ConvKind::conv2d ? std::vector<int64_t>{1, 10, 8}
                                                                : std::vector<int64_t>{1, 4, 10, 8};
    torch::NoGradGuard no_grad;
    EXPECT_LE(empirical_lipschitz(d, shape), bound) << to_string(kind);
    const at::Tensor x = random_complex(shape, 8);
    const auto inv = d->invert(d->forward(x), 1e-13, 1000);
    EXPECT_LT(relative_error(inv.x, x), 1e-10) << to_string(kind) << " after " << inv.iterations;
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

namespace melrecon::nn {
namespace {

TEST(DepthMajorConv, EqualsConv3dWithGradients) {
  // Batches of 1 and 2; a depth of 2 under a depth-5 kernel (taps entirely outside the volume);
  // a depth of 17, walked in uneven chunks of 3 slices (the last one 2) and in one chunk.
  const std::vector<std::pair<int64_t, int64_t>> batch_depths{{1, 5}, {2, 5}, {1, 2}, {2, 17}};
  const std::vector<std::vector<int64_t>> kernels{{3, 3, 3}, {1, 3, 3}, {3, 1, 1}, {5, 3, 3}};
  for (bool replicate : {false, true}) {
    for (bool relu : {false, true}) {
      for (const auto& [batch, depth] : batch_depths) {
        for (const std::vector<int64_t>& kernel : kernels) {
          SCOPED_TRACE(::testing::Message()
                       << "replicate " << replicate << " relu " << relu << " batch " << batch
                       << " depth " << depth << " kz " << kernel[0]);
          const at::Tensor x = at::randn({batch, 3, depth, 7, 6}, at::kDouble).requires_grad_(true);
          const at::Tensor w =
              at::randn({4, 3, kernel[0], kernel[1], kernel[2]}, at::kDouble).requires_grad_(true);
          const at::Tensor b = at::randn({4}, at::kDouble).requires_grad_(true);
          at::Tensor input = x;
          std::vector<int64_t> padding{kernel[0] / 2, kernel[1] / 2, kernel[2] / 2};
          if (replicate) {
            input = at::replication_pad3d(
                x, {padding[2], padding[2], padding[1], padding[1], padding[0], padding[0]});
            padding = {0, 0, 0};
          }
          at::Tensor reference = at::conv3d(input, w, b, 1, padding);
          if (relu) reference = at::relu(reference);
          const int64_t chunk = depth == 17 ? 3 : 1;
          const at::Tensor out =
              conv3d_depth_major(x.movedim(1, 2).contiguous(), w, b, replicate, relu, chunk)
                  .movedim(2, 1);
          EXPECT_LT(testing::relative_error(out, reference), 1e-13);
          const at::Tensor g = at::randn_like(reference);
          const auto ref_grads = torch::autograd::grad({reference}, {x, w, b}, {g});
          const auto grads = torch::autograd::grad({out}, {x, w, b}, {g});
          for (int i = 0; i < 3; ++i)
            EXPECT_LT(testing::relative_error(grads[i], ref_grads[i]), 1e-12);
        }
      }
    }
  }
}

// model.conv3d: the native conv3d and the depth-major node are the same function, for the CNN's
// 3D and (2+1)D kernels and the U-Net, with either padding.
TEST(Conv3dPath, NativeAndDepthMajorAgree) {
  auto grads_of = [](ResidualNet& net, const at::Tensor& x) {
    const at::Tensor xg = x.clone().requires_grad_(true);
    const at::Tensor y = net.forward(xg);
    std::vector<at::Tensor> wrt = net.parameters();
    wrt.push_back(xg);
    auto g = torch::autograd::grad({(y * y).sum()}, wrt);
    g.push_back(y);
    return g;
  };
  const at::Tensor x = at::randn({1, 2, 6, 9, 8}, at::kDouble);
  for (bool replicate : {false, true}) {
    for (int net = 0; net < 3; ++net) {
      SCOPED_TRACE(::testing::Message() << "net " << net << " replicate " << replicate);
      std::vector<std::shared_ptr<ResidualNet>> pair;
      for (Conv3dPath path : {Conv3dPath::native, Conv3dPath::depth_major}) {
        at::manual_seed(4);
        if (net < 2) {
          pair.push_back(std::make_shared<ResidualCnnImpl>(
              ResidualCnnOptions()
                  .kind(net == 0 ? ConvKind::conv3d : ConvKind::conv2p1d)
                  .num_layers(3)
                  .features(4)
                  .replicate_padding(replicate)
                  .conv3d_path(path)));
        } else {
          pair.push_back(std::make_shared<UNetImpl>(UNetOptions()
                                                        .spatial_rank(3)
                                                        .levels(1)
                                                        .features(4)
                                                        .replicate_padding(replicate)
                                                        .conv3d_path(path)));
        }
        pair.back()->to(at::kDouble);
      }
      const auto native = grads_of(*pair[0], x), depth_major = grads_of(*pair[1], x);
      ASSERT_EQ(native.size(), depth_major.size());
      for (size_t i = 0; i < native.size(); ++i) {
        EXPECT_LT(testing::relative_error(depth_major[i], native[i]), 1e-12) << "tensor " << i;
      }
    }
  }
  EXPECT_THROW(parse_conv3d_path("cudnn"), core::Error);
}

TEST(ReplicatePad, AdjointMatchesTheInnerProduct) {
  const at::Tensor x = at::randn({2, 5, 4}, at::kDouble);
  const at::Tensor g = at::randn({2, 5 + 2 * 2, 4}, at::kDouble);
  // ⟨pad(x), g⟩ = ⟨x, padᴴ(g)⟩
  const double lhs = (replicate_pad(x, 1, 2) * g).sum().item<double>();
  const double rhs = (x * replicate_pad_adjoint(g, 1, 2)).sum().item<double>();
  EXPECT_NEAR(lhs, rhs, 1e-12 * std::abs(lhs));
}

// What a 3D CNN's graph holds on the CPU: one activation per hidden layer (the input of the
// next convolution; the ReLUs keep one bit per element), and no padded copies. Training it
// peaks in the backward of the second-to-last layer: the inputs of the layers before it, the
// incoming and the outgoing gradient; then less than 1.5 maps of small things: the CPU
// convolution's per-image scratch (9/16 of a map here), the 2-channel input, output and loss
// tensors, one-slice chunk temporaries. Autograd's per-operation graph peaked three maps higher
// (the ReLU's output and gradient, a tap's zero-filled output gradient, a tap's input gradient).
TEST(DepthMajorConv, TrainingStepPeaksAtTheKeptInputsPlusTwoGradients) {
  core::MemoryMeter::install();
  const int64_t layers = 5, features = 16, depth = 16, chunk = 1;
  std::vector<at::Tensor> weights, biases;
  for (int64_t l = 0; l < layers; ++l) {
    const int64_t in = l == 0 ? 2 : features, out = l + 1 == layers ? 2 : features;
    weights.push_back((0.1 * at::randn({out, in, 3, 3, 3})).requires_grad_(true));
    biases.push_back(at::zeros({out}).requires_grad_(true));
  }
  const at::Tensor x = at::randn({1, depth, 2, 32, 32}).requires_grad_(true);  // depth-major
  const int64_t map_bytes = features * x.numel() / 2 * int64_t(sizeof(float));
  const core::PeakScope scope(c10::kCPU);
  const int64_t before = core::MemoryMeter::current_bytes(c10::kCPU);
  at::Tensor h = x;
  for (int64_t l = 0; l < layers; ++l) {
    h = conv3d_depth_major(h, weights[l], biases[l], false, /*relu=*/l + 1 < layers, chunk);
  }
  const int64_t kept = core::MemoryMeter::current_bytes(c10::kCPU) - before;
  EXPECT_GE(kept, (layers - 1) * map_bytes);
  EXPECT_LT(kept, (layers - 1) * map_bytes + map_bytes / 2);

  std::vector<at::Tensor> wrt = weights;
  wrt.insert(wrt.end(), biases.begin(), biases.end());
  wrt.push_back(x);
  const auto grads = torch::autograd::grad({(h * h).sum()}, wrt);
  EXPECT_GE(scope.peak_increase(), layers * map_bytes);
  EXPECT_LT(scope.peak_increase(), layers * map_bytes + 3 * map_bytes / 2);
}

}  // namespace
}  // namespace melrecon::nn

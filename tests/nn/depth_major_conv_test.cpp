#include "nn/depth_major_conv.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/autograd.h>

#include "core/memory_meter.h"
#include "support/test_support.h"

namespace melrecon::nn {
namespace {

TEST(DepthMajorConv, EqualsConv3dWithGradients) {
  // Batches of 1 and 2; a depth of 2 under a depth-5 kernel (taps entirely outside the volume);
  // a depth of 17, walked in uneven chunks of 3 slices (the last one 2) and in one chunk.
  const std::vector<std::pair<int64_t, int64_t>> batch_depths{{1, 5}, {2, 5}, {1, 2}, {2, 17}};
  const std::vector<std::vector<int64_t>> kernels{{3, 3, 3}, {1, 3, 3}, {3, 1, 1}, {5, 3, 3}};
  // Depth dilations 1 and 3 (taps −3, 0, +3: some outside the volume, at depth 2 all but one);
  // the depth padded like the plane, or cyclically (wrapping twice where the depth is 2).
  const std::vector<std::pair<int64_t, bool>> depth_modes{
      {1, false}, {3, false}, {1, true}, {3, true}};
  for (const auto& [dilation, cyclic] : depth_modes) {
    for (bool replicate : {false, true}) {
      for (bool relu : {false, true}) {
        for (const auto& [batch, depth] : batch_depths) {
          for (const std::vector<int64_t>& kernel : kernels) {
            SCOPED_TRACE(::testing::Message()
                         << "dilation " << dilation << " cyclic " << cyclic << " replicate "
                         << replicate << " relu " << relu << " batch " << batch << " depth "
                         << depth << " kz " << kernel[0]);
            const at::Tensor x =
                at::randn({batch, 3, depth, 7, 6}, at::kDouble).requires_grad_(true);
            const at::Tensor w = at::randn({4, 3, kernel[0], kernel[1], kernel[2]}, at::kDouble)
                                     .requires_grad_(true);
            const at::Tensor b = at::randn({4}, at::kDouble).requires_grad_(true);
            at::Tensor input = x;
            std::vector<int64_t> padding{dilation * (kernel[0] / 2), kernel[1] / 2, kernel[2] / 2};
            if (cyclic) {  // slice (i − p) mod depth, as the definition says
              input =
                  x.index_select(2, at::arange(-padding[0], depth + padding[0]).remainder(depth));
              padding[0] = 0;
            }
            if (replicate) {
              input = at::replication_pad3d(
                  input, {padding[2], padding[2], padding[1], padding[1], padding[0], padding[0]});
              padding = {0, 0, 0};
            }
            at::Tensor reference = at::conv3d(input, w, b, 1, padding, {dilation, 1, 1});
            if (relu) reference = at::relu(reference);
            const int64_t chunk = depth == 17 ? 3 : 1;
            const at::Tensor out = conv3d_depth_major(x.movedim(1, 2).contiguous(), w, b, replicate,
                                                      relu, chunk, dilation, cyclic)
                                       .movedim(2, 1);
            EXPECT_LT(test_support::relative_error(out, reference), 1e-13);
            const at::Tensor g = at::randn_like(reference);
            const auto ref_grads = torch::autograd::grad({reference}, {x, w, b}, {g});
            const auto grads = torch::autograd::grad({out}, {x, w, b}, {g});
            for (int i = 0; i < 3; ++i)
              EXPECT_LT(test_support::relative_error(grads[i], ref_grads[i]), 1e-12);
          }
        }
      }
    }
  }
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

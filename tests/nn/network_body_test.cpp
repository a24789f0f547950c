#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/autograd.h>

#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "nn/conv_layer.h"
#include "nn/network_body.h"
#include "nn/residual_cnn.h"
#include "nn/unet.h"
#include "support/test_support.h"

namespace melrecon::nn {
namespace {

// Whether the autograd graph behind `y` holds a node whose name contains `name`.
bool graph_has(const at::Tensor& y, const std::string& name) {
  std::vector<torch::autograd::Node*> todo{y.grad_fn().get()};
  std::set<torch::autograd::Node*> seen;
  while (!todo.empty()) {
    torch::autograd::Node* node = todo.back();
    todo.pop_back();
    if (node == nullptr || !seen.insert(node).second) continue;
    if (node->name().find(name) != std::string::npos) return true;
    for (const auto& edge : node->next_edges()) todo.push_back(edge.function.get());
  }
  return false;
}

// model.conv3d: the native conv3d and the depth-major node are the same function, for the CNN's
// 3D and (2+1)D kernels and the U-Net, with either padding (and each path does run).
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
    // Nets 0 and 1: CNNs of 3D and (2+1)D kernels; 2 and 3: the same with depth dilations 1, 4,
    // 2 (taps beyond the depth of 6); 4 and 5: those, padded cyclically along the depth; 6: the
    // U-Net.
    for (int net = 0; net < 7; ++net) {
      SCOPED_TRACE(::testing::Message() << "net " << net << " replicate " << replicate);
      std::vector<std::shared_ptr<ResidualNet>> pair;
      for (Conv3dPath path : {Conv3dPath::native, Conv3dPath::depth_major}) {
        at::manual_seed(4);
        if (net < 6) {
          pair.push_back(std::make_shared<ResidualCnnImpl>(
              ResidualCnnOptions()
                  .kind(net % 2 == 0 ? ConvKind::conv3d : ConvKind::conv2p1d)
                  .num_layers(3)
                  .features(4)
                  .depth_dilation(net < 2 ? std::vector<int64_t>{} : std::vector<int64_t>{1, 4, 2})
                  .cyclic_depth(net >= 4)
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
      EXPECT_FALSE(graph_has(pair[0]->forward(x.clone().requires_grad_(true)), "DepthMajor"));
      EXPECT_TRUE(graph_has(pair[1]->forward(x.clone().requires_grad_(true)), "DepthMajor"));
      const auto native = grads_of(*pair[0], x), depth_major = grads_of(*pair[1], x);
      ASSERT_EQ(native.size(), depth_major.size());
      for (size_t i = 0; i < native.size(); ++i) {
        EXPECT_LT(test_support::relative_error(depth_major[i], native[i]), 1e-12) << "tensor " << i;
      }
    }
  }
  EXPECT_THROW(core::parse_choice<Conv3dPath>("cudnn"), core::UsageError);
}

}  // namespace
}  // namespace melrecon::nn

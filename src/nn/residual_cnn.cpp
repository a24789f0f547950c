#include "nn/residual_cnn.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "nn/conv_layer.h"

namespace melrecon::nn {

ResidualCnnImpl::ResidualCnnImpl(ResidualCnnOptions options) : options_(options) {
  MELRECON_CHECK(options_.num_layers() >= 2, "CNN: need at least 2 layers, found {}",
                 options_.num_layers());
  MELRECON_CHECK(options_.features() >= 1, "CNN: features must be >= 1");
  const std::vector<int64_t>& dilation = options_.depth_dilation();
  MELRECON_CHECK(dilation.empty() || static_cast<int64_t>(dilation.size()) == options_.num_layers(),
                 "CNN: {} depth dilations for {} layers (one per layer)", dilation.size(),
                 options_.num_layers());
  MELRECON_CHECK(options_.kind() != ConvKind::conv2d || !any_depth_dilation(dilation),
                 "CNN: depth dilations need 3D or (2+1)D convolutions, the kind is 2d");
  MELRECON_CHECK(options_.kind() != ConvKind::conv2d || !options_.cyclic_depth(),
                 "CNN: cyclic depth padding needs 3D or (2+1)D convolutions, the kind is 2d");
  const int64_t k = options_.kernel_size();
  convs_per_layer_ = options_.kind() == ConvKind::conv2p1d ? 2 : 1;
  const int64_t total = options_.num_layers() * convs_per_layer_;
  // Each convolution gets an equal share of the network's Lipschitz budget.
  const double per_conv =
      options_.lipschitz() > 0 ? std::pow(options_.lipschitz(), 1.0 / total) : 0.0;
  auto conv = [&](int64_t in, int64_t out, std::vector<int64_t> kernel, int64_t layer) {
    const bool has_depth = kernel.size() == 3;  // before `kernel` moves
    return ConvLayer(ConvLayerOptions(in, out, std::move(kernel))
                         .replicate_padding(options_.replicate_padding())
                         .depth_dilation(has_depth && !dilation.empty() ? dilation[layer] : 1)
                         .cyclic_depth(has_depth && options_.cyclic_depth())
                         .lipschitz(per_conv));
  };
  convs_ = register_module("convs", torch::nn::ModuleList());
  for (int64_t l = 0; l < options_.num_layers(); ++l) {
    const int64_t in = l == 0 ? options_.channels() : options_.features();
    const int64_t out = l + 1 == options_.num_layers() ? options_.channels() : options_.features();
    switch (options_.kind()) {
      case ConvKind::conv2d:
        convs_->push_back(conv(in, out, {k, k}, l));
        break;
      case ConvKind::conv3d:
        convs_->push_back(conv(in, out, {k, k, k}, l));
        break;
      case ConvKind::conv2p1d:
        convs_->push_back(conv(in, options_.features(), {1, k, k}, l));
        convs_->push_back(conv(options_.features(), out, {k, 1, 1}, l));
        break;
    }
  }
}

at::Tensor ResidualCnnImpl::forward(const at::Tensor& x) {
  MELRECON_CHECK(x.dim() == spatial_rank() + 2, "CNN ({}): expected input of rank {}, found {}",
                 core::choice_name(options_.kind()), spatial_rank() + 2, x.dim());
  return run_network_body(x, spatial_rank(), options_.compute_dtype(), options_.conv3d_path(),
                          "CNN", [&](const at::Tensor& input, bool depth_major) {
                            at::Tensor h = input;
                            const size_t last = convs_->size() - 1;
                            for (size_t i = 0; i < convs_->size(); ++i) {
                              h = convs_[i]->as<ConvLayer>()->forward_layer(h, depth_major,
                                                                            /*relu=*/i != last);
                            }
                            return h;
                          });
}

bool any_depth_dilation(const std::vector<int64_t>& depth_dilation) {
  return std::any_of(depth_dilation.begin(), depth_dilation.end(),
                     [](int64_t d) { return d != 1; });
}

std::vector<int64_t> ResidualCnnImpl::receptive_radius() const {
  std::vector<int64_t> radius(spatial_rank(), 0);
  for (const auto& m : *convs_) {
    const ConvLayerOptions& o = m->as<ConvLayer>()->options();
    const auto& kernel = o.kernel();
    for (size_t a = 0; a < kernel.size(); ++a)
      radius[a] += (a == 0 ? o.depth_dilation() : 1) * (kernel[a] / 2);
  }
  return radius;
}

void ResidualCnnImpl::update_normalisation() {
  for (auto& m : *convs_) m->as<ConvLayer>()->update_normalisation();
}

double ResidualCnnImpl::lipschitz_upper_bound() const {
  double bound = 1.0;
  for (const auto& m : *convs_) bound *= m->as<ConvLayer>()->lipschitz_upper_bound();
  return bound;
}

}  // namespace melrecon::nn

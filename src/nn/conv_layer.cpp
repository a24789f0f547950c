#include "nn/conv_layer.h"

#include <ATen/ATen.h>
#include <torch/nn/init.h>

#include <cmath>

#include "core/error.h"
#include "nn/cyclic_pad.h"
#include "nn/depth_major_conv.h"
#include "nn/replicate_pad.h"

namespace melrecon::nn {
ConvLayerImpl::ConvLayerImpl(ConvLayerOptions options) : options_(std::move(options)) {
  const auto& k = options_.kernel();
  MELRECON_CHECK(k.size() == 2 || k.size() == 3, "conv layer: kernel must have 2 or 3 sizes");
  for (int64_t s : k)
    MELRECON_CHECK(s % 2 == 1, "conv layer: kernel sizes must be odd, found {}", s);
  MELRECON_CHECK(options_.depth_dilation() >= 1,
                 "conv layer: depth dilation must be >= 1, found {}", options_.depth_dilation());
  MELRECON_CHECK(options_.depth_dilation() == 1 || k.size() == 3,
                 "conv layer: a depth dilation needs a 3D kernel");
  MELRECON_CHECK(!options_.cyclic_depth() || k.size() == 3,
                 "conv layer: cyclic depth padding needs a 3D kernel");
  std::vector<int64_t> shape{options_.out(), options_.in()};
  shape.insert(shape.end(), k.begin(), k.end());
  for (int64_t s : k) taps_ *= s;
  weight = register_parameter("weight", torch::empty(shape));
  // LibTorch's default convolution initialisation (Kaiming-uniform with a = √5).
  torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (options_.bias()) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(options_.in() * taps_));
    bias = register_parameter("bias", torch::empty({options_.out()}).uniform_(-bound, bound));
  }
  if (options_.lipschitz() > 0) {
    u_ = register_buffer("spectral_u", torch::zeros({options_.out()}));
    v_ = register_buffer("spectral_v", torch::zeros({options_.in() * taps_}));
    update_normalisation();
  }
}

void ConvLayerImpl::update_normalisation() {
  if (options_.lipschitz() <= 0) return;
  torch::NoGradGuard no_grad;
  // The weight matrix is small ([out, in·K]), so an exact SVD costs little and makes the bound
  // rigorous at the time of the update (power iteration would underestimate σ slightly).
  const auto [u, s, vh] = torch::linalg_svd(weight.reshape({options_.out(), -1}), false);
  u_.copy_(u.select(1, 0));
  v_.copy_(vh.select(0, 0));
}

at::Tensor ConvLayerImpl::effective_weight() const {
  if (options_.lipschitz() <= 0) return weight;
  const at::Tensor sigma = torch::dot(u_, torch::mv(weight.reshape({options_.out(), -1}), v_));
  const at::Tensor bound = sigma * std::sqrt(static_cast<double>(taps_));
  return weight / torch::clamp_min(bound / options_.lipschitz(), 1.0);
}

double ConvLayerImpl::lipschitz_upper_bound() const {
  torch::NoGradGuard no_grad;
  const at::Tensor w = effective_weight().reshape({options_.out(), -1});
  return std::sqrt(static_cast<double>(taps_)) * torch::linalg_matrix_norm(w, 2).item<double>();
}

std::pair<at::Tensor, at::Tensor> ConvLayerImpl::parameters_as(c10::ScalarType dtype) const {
  return {effective_weight().to(dtype), bias.defined() ? bias.to(dtype) : bias};
}

at::Tensor ConvLayerImpl::forward_layer(const at::Tensor& x, bool depth_major, bool relu) {
  if (!depth_major) {
    at::Tensor h = forward(x);
    // In place: the convolution's backward needs its input, not its output.
    return relu ? torch::relu_(h) : h;
  }
  MELRECON_CHECK(options_.kernel().size() == 3, "conv layer: depth-major input needs a 3D kernel");
  const auto [w, b] = parameters_as(x.scalar_type());
  return conv3d_depth_major(x, w, b, options_.replicate_padding(), relu, /*chunk_slices=*/0,
                            options_.depth_dilation(), options_.cyclic_depth());
}

at::Tensor ConvLayerImpl::forward(const at::Tensor& x) {
  const auto& k = options_.kernel();
  const auto [w, b] = parameters_as(x.scalar_type());
  std::vector<int64_t> padding, dilation(k.size(), 1);
  dilation[0] = options_.depth_dilation();
  for (size_t d = 0; d < k.size(); ++d) padding.push_back(dilation[d] * (k[d] / 2));
  at::Tensor input = x;
  if (options_.cyclic_depth()) {
    input = cyclic_pad(input, 2, padding[0]);
    padding[0] = 0;
  }
  if (options_.replicate_padding()) {
    for (size_t d = 0; d < k.size(); ++d) input = replicate_pad(input, 2 + d, padding[d]);
    std::fill(padding.begin(), padding.end(), 0);
  }
  // On the CPU oneDNN at every size. LibTorch's own choice sends a batch of one with few
  // channels x rows (the complex image's 2 channels; small volumes) to an im2col convolution that
  // is slower, returns a plain layout (every later layer would reorder) and allocates a
  // 27·C·V-element buffer, so a step's memory would jump with the size.
  const bool onednn = input.is_cpu() && at::hasMKLDNN() &&
                      (input.scalar_type() == at::kFloat || input.scalar_type() == at::kBFloat16);
  if (onednn) {
    const std::vector<int64_t> ones(k.size(), 1);
    return at::mkldnn_convolution(input, w, b, padding, ones, dilation, 1);
  }
  if (k.size() == 2) return torch::conv2d(input, w, b, 1, padding);
  return torch::conv3d(input, w, b, 1, padding, dilation);
}

}  // namespace melrecon::nn

#include "nn/unet.h"

#include <ATen/ATen.h>

#include <limits>

#include "core/error.h"
#include "nn/conv_layer.h"

namespace melrecon::nn {
namespace {

// Averages pairs of neighbours along each of `dims` (sizes even): a reshape and a mean, so it
// runs in any dtype on any device.
at::Tensor pool2(at::Tensor x, const std::vector<int64_t>& dims) {
  for (int64_t d : dims) {
    std::vector<int64_t> shape = x.sizes().vec();
    shape[d] /= 2;
    shape.insert(shape.begin() + d + 1, 2);
    x = x.reshape(shape).mean(d + 1);
  }
  return x;
}

// Repeats every element twice along each of `dims` (nearest-neighbour upsampling).
at::Tensor upsample2(at::Tensor x, const std::vector<int64_t>& dims) {
  for (int64_t d : dims) {
    std::vector<int64_t> expanded = x.sizes().vec();
    expanded.insert(expanded.begin() + d + 1, 2);
    std::vector<int64_t> merged = x.sizes().vec();
    merged[d] *= 2;
    x = x.unsqueeze(d + 1).expand(expanded).reshape(merged);
  }
  return x;
}

// Zero-pads each of `dims` at its end to a multiple of `m`.
at::Tensor pad_to_multiple(const at::Tensor& x, const std::vector<int64_t>& dims, int64_t m) {
  std::vector<int64_t> pad;  // (before, after) pairs from the last dim backwards
  bool any = false;
  for (int64_t d = x.dim() - 1; d >= dims.front(); --d) {
    int64_t after = 0;
    for (int64_t s : dims) {
      if (s == d) after = (m - x.size(d) % m) % m;
    }
    any = any || after > 0;
    pad.push_back(0);
    pad.push_back(after);
  }
  return any ? at::constant_pad_nd(x, pad, 0) : x;
}

}  // namespace

UNetImpl::UNetImpl(UNetOptions options) : options_(options) {
  const int64_t rank = options_.spatial_rank();
  MELRECON_CHECK(rank == 2 || rank == 3, "U-Net: spatial rank must be 2 or 3, found {}", rank);
  MELRECON_CHECK(options_.levels() >= 1 && options_.levels() <= 6,
                 "U-Net: levels must be 1..6, found {}", options_.levels());
  MELRECON_CHECK(options_.features() >= 1, "U-Net: features must be >= 1");
  const std::vector<int64_t> k3(rank, 3), k1(rank, 1);
  auto conv = [&](int64_t in, int64_t out, const std::vector<int64_t>& kernel) {
    return ConvLayer(
        ConvLayerOptions(in, out, kernel).replicate_padding(options_.replicate_padding()));
  };
  convs_ = register_module("convs", torch::nn::ModuleList());
  int64_t in = options_.channels();
  for (int64_t l = 0; l <= options_.levels(); ++l) {  // encoder, then the bottleneck (l = levels)
    const int64_t f = options_.features() << l;
    convs_->push_back(conv(in, f, k3));
    convs_->push_back(conv(f, f, k3));
    in = f;
  }
  for (int64_t l = options_.levels() - 1; l >= 0; --l) {  // decoder: skip ⊕ upsampled
    const int64_t f = options_.features() << l;
    convs_->push_back(conv(f + in, f, k3));
    convs_->push_back(conv(f, f, k3));
    in = f;
  }
  convs_->push_back(conv(in, options_.channels(), k1));
}

at::Tensor UNetImpl::forward(const at::Tensor& x) {
  const int64_t rank = options_.spatial_rank();
  MELRECON_CHECK(x.dim() == rank + 2, "U-Net ({}D): expected input of rank {}, found {}", rank,
                 rank + 2, x.dim());
  return run_network_body(
      x, rank, options_.compute_dtype(), options_.conv3d_path(), "U-Net",
      [&](const at::Tensor& input, bool depth_major) { return body(input, depth_major); });
}

at::Tensor UNetImpl::body(const at::Tensor& input, bool depth_major) {
  const int64_t channel_dim = depth_major ? 2 : 1;
  std::vector<int64_t> spatial;
  for (int64_t d = 1; d < input.dim(); ++d) {
    if (d != channel_dim) spatial.push_back(d);
  }
  const std::vector<int64_t> sizes = input.sizes().vec();
  at::Tensor h = pad_to_multiple(input, spatial, int64_t{1} << options_.levels());

  size_t next = 0;
  auto conv = [&](const at::Tensor& in, bool relu) {
    return convs_[next++]->as<ConvLayer>()->forward_layer(in, depth_major, relu);
  };
  auto block = [&](const at::Tensor& in) { return conv(conv(in, true), true); };
  std::vector<at::Tensor> skips;
  for (int64_t l = 0; l < options_.levels(); ++l) {
    h = block(h);
    skips.push_back(h);
    h = pool2(h, spatial);
  }
  h = block(h);
  for (int64_t l = options_.levels() - 1; l >= 0; --l) {
    h = block(torch::cat({skips[l], upsample2(h, spatial)}, channel_dim));
    skips[l] = at::Tensor();
  }
  h = conv(h, false);
  for (int64_t d : spatial) h = h.narrow(d, 0, sizes[d]);
  return h;
}

double UNetImpl::lipschitz_upper_bound() const { return std::numeric_limits<double>::infinity(); }

}  // namespace melrecon::nn

// One convolution (2D or 3D) with an optional Lipschitz bound.
//
// With a bound c > 0 the layer uses W·min(1, c / (√K·σ(W))), where σ(W) is the largest singular
// value of the weight reshaped to [out, in·K] and K the number of kernel taps. For stride 1 and
// zero padding ‖conv_W‖ ≤ √K·σ(W) (write the convolution as Σ_τ W_τ S_τ with shifts S_τ), so the
// layer is c-Lipschitz. σ is computed as uᵀ W v with the top singular vectors u, v of W; they are
// buffers refreshed only by `update_normalisation()` (once per training step, by an exact SVD),
// so a layer is the same function in every unroll of a step and in every recomputation of it —
// what exact MEL gradients need. The gradient flows through σ (u, v held fixed).
#pragma once

#include <torch/arg.h>
#include <torch/nn/module.h>

#include <utility>
#include <vector>

namespace melrecon::nn {

struct ConvLayerOptions {
  ConvLayerOptions(int64_t in, int64_t out, std::vector<int64_t> kernel)
      : in_(in), out_(out), kernel_(std::move(kernel)) {}
  TORCH_ARG(int64_t, in);
  TORCH_ARG(int64_t, out);
  TORCH_ARG(std::vector<int64_t>, kernel);  // 2 or 3 odd sizes, e.g. {3, 3} or {1, 3, 3}
  // Spacing of the taps along the first of 3 kernel axes (Z|T): a kernel of 3 with dilation d
  // reads slices −d, 0, +d, reaching further in time or depth at the same cost.
  TORCH_ARG(int64_t, depth_dilation) = 1;
  // Pad that first axis cyclically (its last slice neighbours its first, as a cardiac cycle's
  // frames do) instead of by zeros or edge copies; the in-plane axes keep their padding.
  TORCH_ARG(bool, cyclic_depth) = false;
  TORCH_ARG(bool, replicate_padding) = false;
  TORCH_ARG(double, lipschitz) = 0.0;  // 0: unconstrained
  TORCH_ARG(bool, bias) = true;
};

class ConvLayerImpl : public torch::nn::Module {
 public:
  explicit ConvLayerImpl(ConvLayerOptions options);
  // The input's dtype sets the compute dtype: weight and bias are cast to it (differentiably),
  // so a bfloat16 input runs the convolution in bfloat16 while the parameters stay float32.
  at::Tensor forward(const at::Tensor& x);
  // One layer of a network body: the convolution, then an in-place ReLU when `relu`. With
  // `depth_major` (3D kernels only) input and output are [B, Z, C, Y, X] and the pair is one
  // lean autograd node (nn/depth_major_conv.h).
  at::Tensor forward_layer(const at::Tensor& x, bool depth_major, bool relu);
  // Recomputes the top singular vectors of the reshaped weight (no grad).
  void update_normalisation();
  // The weight actually used (scaled when bounded), differentiable w.r.t. the raw weight.
  at::Tensor effective_weight() const;
  // √K·σ(W_effective): an upper bound of this layer's Lipschitz constant.
  double lipschitz_upper_bound() const;
  const ConvLayerOptions& options() const { return options_; }

  at::Tensor weight, bias;

 private:
  // The effective weight and the bias, cast to `dtype`.
  std::pair<at::Tensor, at::Tensor> parameters_as(c10::ScalarType dtype) const;

  ConvLayerOptions options_;
  at::Tensor u_, v_;  // left / right singular vector estimates
  int64_t taps_ = 1;
};
TORCH_MODULE(ConvLayer);

}  // namespace melrecon::nn

#include "nn/depth_major_conv.h"

#include <ATen/ATen.h>
#include <torch/autograd.h>

#include <algorithm>

#include "nn/relu_mask.h"
#include "nn/replicate_pad.h"

namespace melrecon::nn {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

// Output slices [out_begin, out_begin + count) of one depth tap read input slices
// [in_begin, in_begin + count), or, when `edge`, all read the single slice in_begin (replicate
// padding outside the volume).
struct TapRun {
  int64_t out_begin, count, in_begin;
  bool edge;
};

// How a tap reads beyond the volume's depth: nothing (zeros), the edge slice (replicate), or
// around it (cyclic).
enum class DepthPad { zeros, replicate, cyclic };

DepthPad depth_pad(bool replicate, bool cyclic) {
  return cyclic ? DepthPad::cyclic : replicate ? DepthPad::replicate : DepthPad::zeros;
}

// The runs of outputs [o0, o1) for a tap shifted by s: output o reads input o + s. Outside the
// volume zero padding reads nothing, replicate padding reads the edge slice, and cyclic padding
// reads (o + s) mod z: two runs, split where the shifted index wraps.
std::vector<TapRun> tap_runs(int64_t o0, int64_t o1, int64_t s, int64_t z, DepthPad pad) {
  std::vector<TapRun> runs;
  if (pad == DepthPad::cyclic) {
    const int64_t shift = ((s % z) + z) % z, wrap = z - shift;  // o ≥ wrap reads o + shift − z
    if (std::min(o1, wrap) > o0) runs.push_back({o0, std::min(o1, wrap) - o0, o0 + shift, false});
    const int64_t b = std::max(o0, wrap);
    if (o1 > b) runs.push_back({b, o1 - b, b + shift - z, false});
    return runs;
  }
  const int64_t a = std::max(o0, -s), b = std::min(o1, z - s);
  if (b > a) runs.push_back({a, b - a, a + s, false});
  if (pad != DepthPad::replicate) return runs;
  const int64_t low_end = std::min(o1, -s);
  if (low_end > o0) runs.push_back({o0, low_end - o0, 0, true});
  const int64_t high_begin = std::max(o0, z - s);
  if (o1 > high_begin) runs.push_back({high_begin, o1 - high_begin, z - 1, true});
  return runs;
}

// The 2D convolution of a batch of slices with one depth tap: in-plane padding is explicit
// (replicate) or the convolution's own (zeros).
struct InPlane {
  int64_t py, px;
  bool replicate;

  at::Tensor pad(const at::Tensor& slices) const {
    return replicate ? replicate_pad(replicate_pad(slices, 2, py), 3, px) : slices;
  }
  std::vector<int64_t> conv_padding() const {
    return replicate ? std::vector<int64_t>{0, 0} : std::vector<int64_t>{py, px};
  }
  at::Tensor conv(const at::Tensor& slices, const at::Tensor& tap) const {
    return at::conv2d(pad(slices), tap, at::Tensor(), 1, conv_padding());
  }
  // Gradients of Σ⟨g, conv(slices, tap)⟩ w.r.t. the slices and the tap (either may be skipped).
  std::pair<at::Tensor, at::Tensor> backward(const at::Tensor& g, const at::Tensor& slices,
                                             const at::Tensor& tap, bool want_x,
                                             bool want_w) const {
    auto [gx, gw, gb] =
        at::convolution_backward(g, pad(slices), tap, c10::nullopt, {1, 1}, conv_padding(), {1, 1},
                                 false, {0, 0}, 1, {want_x, want_w, false});
    if (want_x && replicate) gx = replicate_pad_adjoint(replicate_pad_adjoint(gx, 3, px), 2, py);
    return {gx, gw};
  }
};

// Output slices per chunk when the caller leaves it open: about 2^21 elements (at least one
// slice), above which the per-call cost of the CPU convolution no longer shows. A fixed size, not
// a fraction of the depth, so a chunk's temporaries stay small next to a full activation map and
// the step's peak stays affine in the depth (what the memory planner extrapolates).
int64_t auto_chunk(int64_t z, int64_t elements_per_slice) {
  const int64_t slices = ((int64_t{1} << 21) + elements_per_slice - 1) / elements_per_slice;
  return std::clamp<int64_t>(slices, 1, std::max<int64_t>(z, 1));
}

// [B, n, C, Y, X] → [B·n, C, Y, X] (a copy only when the slices are not contiguous).
at::Tensor as_slices(const at::Tensor& t) {
  return t.reshape({t.size(0) * t.size(1), t.size(2), t.size(3), t.size(4)});
}

// The forward, one chunk of output slices at a time: each tap's 2D convolution of the input
// slices the chunk reads, added in place. Only chunk-sized temporaries besides the output.
at::Tensor forward_chunked(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                           bool replicate, int64_t chunk, int64_t dilation, bool cyclic) {
  const InPlane plane{weight.size(3) / 2, weight.size(4) / 2, replicate};
  const int64_t b = x.size(0), z = x.size(1), h = x.size(3), w = x.size(4);
  const int64_t f = weight.size(0), kz = weight.size(2);
  const DepthPad pad = depth_pad(replicate, cyclic);
  at::Tensor out = at::empty({b, z, f, h, w}, x.options());
  if (bias.defined()) {
    out.copy_(bias.view({1, 1, f, 1, 1}).expand_as(out));
  } else {
    out.zero_();
  }
  for (int64_t o0 = 0; o0 < z; o0 += chunk) {
    const int64_t n = std::min(chunk, z - o0);
    for (int64_t dz = 0; dz < kz; ++dz) {
      const at::Tensor tap = weight.select(2, dz);
      for (const TapRun& r : tap_runs(o0, o0 + n, (dz - kz / 2) * dilation, z, pad)) {
        const at::Tensor input = x.narrow(1, r.in_begin, r.edge ? 1 : r.count);
        const at::Tensor term = plane.conv(as_slices(input), tap);
        out.narrow(1, r.out_begin, r.count).add_(term.view({b, input.size(1), f, h, w}));
      }
    }
  }
  return out;
}

struct DepthMajorConv : public torch::autograd::Function<DepthMajorConv> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight,
                            const at::Tensor& bias, bool replicate, bool relu, int64_t chunk,
                            int64_t dilation, bool cyclic) {
    at::Tensor out = forward_chunked(x, weight, bias, replicate, chunk, dilation, cyclic);
    if (relu) out.relu_();
    ctx->save_for_backward({x, weight, relu ? pack_positive(out) : at::Tensor()});
    ctx->saved_data["replicate"] = replicate;
    ctx->saved_data["has_bias"] = bias.defined();
    ctx->saved_data["chunk"] = chunk;
    ctx->saved_data["dilation"] = dilation;
    ctx->saved_data["cyclic"] = cyclic;
    return out;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    const tensor_list saved = ctx->get_saved_variables();
    const at::Tensor &x = saved[0], &weight = saved[1], &positive = saved[2];
    const bool want_x = ctx->needs_input_grad(0), want_w = ctx->needs_input_grad(1);
    const bool want_b = ctx->saved_data["has_bias"].toBool() && ctx->needs_input_grad(2);
    const InPlane plane{weight.size(3) / 2, weight.size(4) / 2,
                        ctx->saved_data["replicate"].toBool()};
    const at::Tensor& grad = grad_outputs[0];
    const int64_t z = x.size(1), f = weight.size(0), kz = weight.size(2);
    // Parameter gradients sum over every slice: accumulate them in at least float32.
    const auto accumulate = at::promote_types(weight.scalar_type(), at::kFloat);
    at::Tensor grad_x = want_x ? at::zeros_like(x) : at::Tensor();
    at::Tensor grad_w =
        want_w ? at::zeros(weight.sizes(), weight.options().dtype(accumulate)) : at::Tensor();
    at::Tensor grad_b = want_b ? at::zeros({f}, weight.options().dtype(accumulate)) : at::Tensor();
    std::vector<at::Tensor> taps;
    for (int64_t dz = 0; dz < kz; ++dz) taps.push_back(weight.select(2, dz).contiguous());

    const int64_t chunk = ctx->saved_data["chunk"].toInt();
    const int64_t dilation = ctx->saved_data["dilation"].toInt();
    const DepthPad pad = depth_pad(plane.replicate, ctx->saved_data["cyclic"].toBool());
    for (int64_t o0 = 0; o0 < z; o0 += chunk) {
      const int64_t n = std::min(chunk, z - o0);
      at::Tensor g = grad.narrow(1, o0, n);  // [B, n, F, Y, X]
      if (positive.defined()) {
        g = g.masked_fill(unpack_positive(positive, o0, n, g.sizes().slice(2)).logical_not(), 0);
      }
      if (want_b) grad_b.add_(g.sum({0, 1, 3, 4}, false, accumulate));
      for (int64_t dz = 0; dz < kz; ++dz) {
        for (const TapRun& r : tap_runs(o0, o0 + n, (dz - kz / 2) * dilation, z, pad)) {
          at::Tensor g_run = g.narrow(1, r.out_begin - o0, r.count);
          // Outputs reading one edge slice: their gradients sum (the convolution is linear).
          if (r.edge) g_run = g_run.sum(1, /*keepdim=*/true);
          const int64_t m = g_run.size(1);
          const at::Tensor input = x.narrow(1, r.in_begin, m);
          const auto [gx, gw] =
              plane.backward(as_slices(g_run), as_slices(input), taps[dz], want_x, want_w);
          if (want_x) grad_x.narrow(1, r.in_begin, m).add_(gx.view(input.sizes()));
          if (want_w) grad_w.select(2, dz).add_(gw);
        }
      }
    }
    return {grad_x,
            want_w ? grad_w.to(weight.scalar_type()) : grad_w,
            want_b ? grad_b.to(weight.scalar_type()) : grad_b,
            at::Tensor(),
            at::Tensor(),
            at::Tensor(),
            at::Tensor(),
            at::Tensor()};
  }
};

}  // namespace

at::Tensor conv3d_depth_major(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                              bool replicate_padding, bool relu, int64_t chunk_slices,
                              int64_t depth_dilation, bool cyclic_depth) {
  if (chunk_slices <= 0) {
    // The widest per-slice tensor of a chunk: its output, or its input gradient.
    const int64_t widest =
        std::max(weight.size(0), weight.size(1)) * x.size(0) * x.size(3) * x.size(4);
    chunk_slices = auto_chunk(x.size(1), widest);
  }
  const bool recorded =
      at::GradMode::is_enabled() &&
      (x.requires_grad() || weight.requires_grad() || (bias.defined() && bias.requires_grad()));
  if (!recorded) {  // e.g. MEL's forward: no node, so no ReLU mask to pack
    at::Tensor out = forward_chunked(x, weight, bias, replicate_padding, chunk_slices,
                                     depth_dilation, cyclic_depth);
    return relu ? out.relu_() : out;
  }
  return DepthMajorConv::apply(x, weight, bias, replicate_padding, relu, chunk_slices,
                               depth_dilation, cyclic_depth);
}

}  // namespace melrecon::nn

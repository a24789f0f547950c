#include "nn/tiled_apply.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>

#include "core/error.h"

namespace melrecon::nn {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

// One tile along one dim: the core it produces and the (haloed, clipped) input it reads.
struct Span {
  int64_t core_start, core_length, in_start, in_length;
};
using Tile = std::vector<Span>;  // one span per TileDim

std::vector<Span> spans_along(int64_t n, const TileDim& d) {
  std::vector<Span> spans;
  for (int64_t start = 0; start < n; start += d.size) {
    const int64_t end = std::min(n, start + d.size);
    const int64_t lo = std::max<int64_t>(0, start - d.halo), hi = std::min(n, end + d.halo);
    spans.push_back({start, end - start, lo, hi - lo});
  }
  return spans;
}

std::vector<Tile> tiles_of(at::IntArrayRef sizes, const std::vector<TileDim>& dims) {
  std::vector<Tile> tiles{Tile{}};
  for (const TileDim& d : dims) {
    std::vector<Tile> next;
    for (const Tile& t : tiles) {
      for (const Span& s : spans_along(sizes[d.dim], d)) {
        next.push_back(t);
        next.back().push_back(s);
      }
    }
    tiles = std::move(next);
  }
  return tiles;
}

// The tile's input region of a tensor shaped like the input (a view).
at::Tensor input_region(at::Tensor t, const std::vector<TileDim>& dims, const Tile& tile) {
  for (size_t i = 0; i < dims.size(); ++i) {
    t = t.narrow(dims[i].dim, tile[i].in_start, tile[i].in_length);
  }
  return t;
}

// The tile's core in a tensor shaped like the whole output (a view).
at::Tensor core_region(at::Tensor t, const std::vector<TileDim>& dims, const Tile& tile) {
  for (size_t i = 0; i < dims.size(); ++i) {
    t = t.narrow(dims[i].dim, tile[i].core_start, tile[i].core_length);
  }
  return t;
}

// The network applied to the tile's input region, cropped to the core.
at::Tensor tile_core_output(const TileFn& fn, const at::Tensor& input,
                            const std::vector<TileDim>& dims, const Tile& tile) {
  at::Tensor y = fn(input);
  for (size_t i = 0; i < dims.size(); ++i) {
    const int64_t d = dims[i].dim;
    MELRECON_CHECK(y.dim() == input.dim() && y.size(d) == input.size(d),
                   "tiled application: the network changed the size of dim {} ({} -> {})", d,
                   input.size(d), y.dim() == input.dim() ? y.size(d) : -1);
    y = y.narrow(d, tile[i].core_start - tile[i].in_start, tile[i].core_length);
  }
  return y;
}

at::Tensor forward_tiles(const TileFn& fn, const at::Tensor& x, const std::vector<TileDim>& dims) {
  at::NoGradGuard no_grad;
  at::Tensor out;
  for (const Tile& tile : tiles_of(x.sizes(), dims)) {
    const at::Tensor core = tile_core_output(fn, input_region(x, dims, tile), dims, tile);
    if (!out.defined()) {
      std::vector<int64_t> shape = core.sizes().vec();
      for (const TileDim& d : dims) shape[d.dim] = x.size(d.dim);
      out = at::empty(shape, core.options());
    }
    core_region(out, dims, tile).copy_(core);
  }
  return out;
}

// What the backward needs besides tensors.
struct TilePlan : torch::CustomClassHolder {
  TilePlan(TileFn f, std::vector<TileDim> d) : fn(std::move(f)), dims(std::move(d)) {}
  TileFn fn;
  std::vector<TileDim> dims;
};

struct TiledApply : public torch::autograd::Function<TiledApply> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, at::TensorList params,
                            const TileFn& fn, const std::vector<TileDim>& dims) {
    tensor_list saved{x};
    saved.insert(saved.end(), params.begin(), params.end());
    ctx->save_for_backward(saved);
    ctx->saved_data["plan"] = c10::IValue::make_capsule(c10::make_intrusive<TilePlan>(fn, dims));
    return forward_tiles(fn, x, dims);
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    const tensor_list saved = ctx->get_saved_variables();
    const auto plan =
        c10::static_intrusive_pointer_cast<TilePlan>(ctx->saved_data["plan"].toCapsule());
    const at::Tensor& x = saved[0];
    const size_t num_params = saved.size() - 1;
    // One gradient per forward argument: x, each parameter, then the two non-tensors.
    tensor_list result(1 + num_params + 2);
    const bool want_x = ctx->needs_input_grad(0);
    std::vector<size_t> wanted;  // parameters whose gradient is needed
    for (size_t i = 0; i < num_params; ++i) {
      if (ctx->needs_input_grad(1 + i)) wanted.push_back(i);
    }
    if (!want_x && wanted.empty()) return result;
    const at::Tensor& grad = grad_outputs[0];
    at::Tensor grad_x = want_x ? at::zeros_like(x) : at::Tensor();
    std::vector<at::Tensor> grad_params(wanted.size());
    at::AutoGradMode grad_on(true);
    for (const Tile& tile : tiles_of(x.sizes(), plan->dims)) {
      at::Tensor input = input_region(x.detach(), plan->dims, tile);
      tensor_list wrt;
      if (want_x) wrt.push_back(input.requires_grad_(true));
      for (size_t i : wanted) wrt.push_back(saved[1 + i]);
      // The tile's graph lives only in this iteration: `grad` frees it.
      const at::Tensor core = tile_core_output(plan->fn, input, plan->dims, tile);
      const tensor_list g =
          torch::autograd::grad({core}, wrt, {core_region(grad, plan->dims, tile)},
                                /*retain_graph=*/false, /*create_graph=*/false,
                                /*allow_unused=*/true);
      size_t j = 0;
      if (want_x) {
        if (g[0].defined()) input_region(grad_x, plan->dims, tile).add_(g[0]);
        j = 1;
      }
      for (size_t i = 0; i < wanted.size(); ++i, ++j) {
        if (!g[j].defined()) continue;
        grad_params[i] = grad_params[i].defined() ? grad_params[i].add_(g[j]) : g[j];
      }
    }
    result[0] = grad_x;
    for (size_t i = 0; i < wanted.size(); ++i) result[1 + wanted[i]] = grad_params[i];
    return result;
  }
};

}  // namespace

int64_t tile_count(at::IntArrayRef sizes, const std::vector<TileDim>& dims) {
  int64_t count = 1;
  for (const TileDim& d : dims) count *= static_cast<int64_t>(spans_along(sizes[d.dim], d).size());
  return count;
}

at::Tensor tiled_apply(const TileFn& fn, const at::Tensor& x, const std::vector<at::Tensor>& params,
                       const std::vector<TileDim>& dims) {
  for (const TileDim& d : dims) {
    MELRECON_CHECK(d.dim >= 0 && d.dim < x.dim(),
                   "tiled application: dim {} is outside a rank-{} input", d.dim, x.dim());
    MELRECON_CHECK(d.size >= 1 && d.halo >= 0,
                   "tiled application: tile size must be >= 1 and halo >= 0 (dim {}: {}, {})",
                   d.dim, d.size, d.halo);
  }
  // A TensorList (not a vector) so that `apply` sees each parameter as a differentiable input.
  return TiledApply::apply(x, at::TensorList(params), fn, dims);
}

}  // namespace melrecon::nn

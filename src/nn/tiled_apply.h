// A translation-equivariant network (a CNN with stride 1 and "same" padding) applied in
// overlapping tiles, so that its activation memory is bounded by the tile, not the volume —
// in the backward too.
//
// A tile's core [s, e) along a tiled dim is computed from the input [s − h, e + h) clipped to
// the tensor, h the network's receptive-field radius along that dim: an output depends only on
// inputs within h of it, so the network's own padding at a cut only corrupts outputs in the
// discarded halo; where the clipped region meets the tensor's border, the network pads exactly
// as it does untiled. The tiled result therefore equals the untiled one up to the order of
// floating-point sums (zero and replicate padding alike).
//
// Under autograd the whole application is one autograd function: its forward runs tile by tile
// without a graph; its backward recomputes each tile with its graph, backpropagates the core's
// output gradient, adds the tile's input gradient into the tile's haloed input region and its
// parameter gradients into running sums, and frees the tile's graph before the next one. The
// parameters are inputs of the function, so their gradients are returned by it and accumulate
// like any other (also through torch::autograd::grad). Double backward is not supported.
#pragma once

#include <ATen/core/Tensor.h>

#include <functional>
#include <vector>

namespace melrecon::nn {

struct TileDim {
  int64_t dim;   // tensor dim to cut
  int64_t size;  // core size of a tile (>= 1); the last tile may be smaller
  int64_t halo;  // receptive-field radius of the network along `dim`
};

// The network: output sizes equal input sizes along every tiled dim.
using TileFn = std::function<at::Tensor(const at::Tensor&)>;

// fn(x) computed tile by tile. `params` are the tensors fn uses that may need gradients (a
// module's parameters); fn must be the same function at every call (no randomness, no state).
at::Tensor tiled_apply(const TileFn& fn, const at::Tensor& x, const std::vector<at::Tensor>& params,
                       const std::vector<TileDim>& dims);

// How many tiles `dims` cut a tensor of these sizes into.
int64_t tile_count(at::IntArrayRef sizes, const std::vector<TileDim>& dims);

}  // namespace melrecon::nn

// Replicate ("edge") padding as a concatenation of expanded edge slices. LibTorch 1.13's CPU
// replication_pad kernels have no bfloat16, and a CNN run in bfloat16 needs the same padding as
// in float32; this form works for every dtype and device, copies once per padded dim, and is
// differentiable (the edge gradients sum through the expand).
#pragma once

#include <ATen/core/Tensor.h>

namespace melrecon::nn {

// Pads `dim` of x by `p` copies of its first and last slice on each side (p = 0: x itself).
at::Tensor replicate_pad(const at::Tensor& x, int64_t dim, int64_t p);

// The adjoint of `replicate_pad(·, dim, p)`: the inner part of `grad`, with each side's p
// padding slices summed onto its edge slice. For hand-written backward passes.
at::Tensor replicate_pad_adjoint(const at::Tensor& grad, int64_t dim, int64_t p);

}  // namespace melrecon::nn

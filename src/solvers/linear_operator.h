// Iterative algorithms take operators, not data: a linear map as a function on tensors.
#pragma once

#include <ATen/core/Tensor.h>

#include <functional>

namespace melrecon::solvers {

using LinearOperator = std::function<at::Tensor(const at::Tensor&)>;

// Batched inner products over all axes but the first: [B, ...] x [B, ...] -> [B].
at::Tensor batch_dot(const at::Tensor& a, const at::Tensor& b);        // Σ conj(a)·b
at::Tensor batch_norm_sq(const at::Tensor& a);                         // Σ |a|², real
// Reshapes per-example scalars [B] (or a scalar) to broadcast against [B, ...] of rank `rank`.
at::Tensor per_example(const at::Tensor& s, int64_t rank);

}  // namespace melrecon::solvers

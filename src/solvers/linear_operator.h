// Iterative algorithms take operators, not data: a linear map as a function on tensors.
#pragma once

#include <ATen/core/Tensor.h>

#include <functional>

namespace melrecon::solvers {

using LinearOperator = std::function<at::Tensor(const at::Tensor&)>;

// Batched inner products over all axes but the first: [B, ...] x [B, ...] -> [B], real.
// Hermitian operators need only real parts: Re Σ conj(a)·b is the dot product of the real
// views, computed as one batched matrix product without temporaries.
at::Tensor batch_real_dot(const at::Tensor& a, const at::Tensor& b);  // Re Σ conj(a)·b
at::Tensor batch_norm_sq(const at::Tensor& a);                        // Σ |a|²
// Reshapes per-example scalars [B] (or a scalar) to broadcast against [B, ...] of rank `rank`.
at::Tensor per_example(const at::Tensor& s, int64_t rank);

}  // namespace melrecon::solvers

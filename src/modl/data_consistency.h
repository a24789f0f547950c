// MoDL data consistency x = (AᴴA + λI)⁻¹ b as an autograd function that never keeps a CG
// iterate: the forward solves by CG without a graph; the backward differentiates the solve
// implicitly with one more CG solve on the same (Hermitian) operator:
//   v = (AᴴA + λI)⁻¹ ∂L/∂x,   ∂L/∂b = v,   ∂L/∂λ = −Re⟨v, x⟩.
// (PyTorch's convention: the gradient of a real loss w.r.t. complex z is ∂L/∂Re z + i ∂L/∂Im z.)
#pragma once

#include <ATen/core/Tensor.h>

#include "mri/sense_op.h"
#include "solvers/conjugate_gradient.h"

namespace melrecon::modl {

// x = (AᴴA + λI)⁻¹ rhs; `lambda` is a real 0-dim tensor (may require grad).
at::Tensor data_consistency(const mri::SenseOp& op, const at::Tensor& rhs, const at::Tensor& lambda,
                            const solvers::CgOptions& cg);

// The same function when its value x = (AᴴA + λI)⁻¹ rhs is already known (MEL recomputing an
// unroll whose output it kept from the forward pass): returns `solution` without solving, with
// the same implicit backward. The backward needs only x, not the CG that produced it, so the
// gradients equal data_consistency's exactly when `solution` is that function's value.
at::Tensor data_consistency_known(const mri::SenseOp& op, const at::Tensor& rhs,
                                  const at::Tensor& lambda, const solvers::CgOptions& cg,
                                  const at::Tensor& solution);

// The exact inverse of the step for a converged solve: rhs = (AᴴA + λI) x.
at::Tensor data_consistency_rhs(const mri::SenseOp& op, const at::Tensor& x,
                                const at::Tensor& lambda);

}  // namespace melrecon::modl

// Classical reconstructions that need no training: zero-filled (Aᴴy) and CG-SENSE,
// argmin ‖Ax − y‖² + λ‖x‖², i.e. (AᴴA + λI) x = Aᴴy solved by conjugate gradient.
#pragma once

#include <ATen/core/Tensor.h>

#include "mri/sense_op.h"
#include "solvers/conjugate_gradient.h"

namespace melrecon::recon {

at::Tensor zero_filled(const mri::SenseOp& op, const at::Tensor& kspace);

solvers::CgResult cg_sense(const mri::SenseOp& op, const at::Tensor& kspace, double lambda,
                           const solvers::CgOptions& cg);

}  // namespace melrecon::recon

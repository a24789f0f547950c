// Classical reconstructions that need no training: zero-filled (Aᴴy) and CG-SENSE,
// argmin ‖Ax − y‖² + λ‖x‖², i.e. (AᴴA + λI) x = Aᴴy solved by conjugate gradient.
#pragma once

#include <ATen/core/Tensor.h>

#include "mri/sense_op.h"
#include "solvers/conjugate_gradient.h"

namespace melrecon::recon {

// λ up to this: beyond it the image is below float32's resolution of the data.
constexpr double kMaxLambda = 1e6;

// Solved at unit scales of the data and the coil maps and scaled back, so data or maps scaled
// far from 1 give the same image as unscaled ones would (times the scale). A result that is not
// finite is an error naming λ and the scales.
solvers::CgResult cg_sense(const mri::SenseOp& op, const at::Tensor& kspace, double lambda,
                           const solvers::CgOptions& cg);

}  // namespace melrecon::recon

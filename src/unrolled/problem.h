// One batch's reconstruction problem as every unrolled network sees it: the forward operator
// A = M·F·S and Aᴴy (computed once, with the operator's own coil chunk).
#pragma once

#include <ATen/core/Tensor.h>

#include "mri/sense_op.h"

namespace melrecon::unrolled {

struct Problem {
  Problem(mri::SenseOp op, const at::Tensor& kspace);
  mri::SenseOp op;
  at::Tensor aty;
};

}  // namespace melrecon::unrolled

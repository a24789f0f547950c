#include "unrolled/problem.h"

namespace melrecon::unrolled {

Problem::Problem(mri::SenseOp o, const at::Tensor& kspace)
    : op(std::move(o)), aty(op.adjoint(kspace)) {}

}  // namespace melrecon::unrolled

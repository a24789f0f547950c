#include "recon/cg_sense.h"

#include <ATen/ATen.h>

#include "core/error.h"

namespace melrecon::recon {

at::Tensor zero_filled(const mri::SenseOp& op, const at::Tensor& kspace) {
  return op.adjoint(kspace);
}

solvers::CgResult cg_sense(const mri::SenseOp& op, const at::Tensor& kspace, double lambda,
                           const solvers::CgOptions& cg) {
  core::check(lambda >= 0, "CG-SENSE: lambda must be >= 0, found {}", lambda);
  const auto normal = [&](const at::Tensor& x) {
    return lambda > 0 ? op.normal(x) + lambda * x : op.normal(x);
  };
  return solvers::conjugate_gradient(normal, op.adjoint(kspace), cg);
}

}  // namespace melrecon::recon

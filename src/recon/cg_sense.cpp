#include "recon/cg_sense.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/error.h"

namespace melrecon::recon {

solvers::CgResult cg_sense(const mri::SenseOp& op, const at::Tensor& kspace, double lambda,
                           const solvers::CgOptions& cg) {
  MELRECON_CHECK(lambda >= 0 && lambda <= kMaxLambda,
                 "CG-SENSE: lambda must lie in [0, {:g}], found {:g}", kMaxLambda, lambda);
  // The solution is linear in the data, and coil maps scaled by `a` solve the unit-scale problem
  // with λ/a² divided by `a`: so the solve runs at unit scales, where float32's range suffices
  // (data or maps scaled by 1e20 would overflow AᴴA), and the image is scaled back.
  const double data_scale = kspace.abs().max().item<double>();
  const double maps_scale = op.max_coil_rss();
  MELRECON_CHECK(std::isfinite(data_scale) && std::isfinite(maps_scale),
                 "CG-SENSE: k-space or coil maps are not finite");
  if (data_scale == 0 || maps_scale == 0) {  // nothing measured, or no coil sees anything
    const at::Tensor rhs = op.adjoint(kspace);
    return {at::zeros_like(rhs),
            at::zeros({rhs.size(0)}, rhs.options().dtype(c10::toRealValueType(rhs.scalar_type()))),
            0};
  }
  const bool rescale_maps = maps_scale < 1e-3 || maps_scale > 1e3;
  const mri::SenseOp unit = rescale_maps ? op.scaled(1.0 / maps_scale) : op;
  const double a = rescale_maps ? maps_scale : 1.0;
  const double l = lambda / (a * a);
  const auto normal = [&](const at::Tensor& x) {
    return l > 0 ? unit.normal(x) + l * x : unit.normal(x);
  };
  solvers::CgResult result =
      solvers::conjugate_gradient(normal, unit.adjoint(kspace / data_scale), cg);
  result.x.mul_(data_scale / a);
  MELRECON_CHECK(at::isfinite(result.x).all().item<bool>(),
                 "CG-SENSE: the image is not finite (lambda {:g}, data max {:g}, coil maps max "
                 "root-sum-of-squares {:g})",
                 lambda, data_scale, maps_scale);
  return result;
}

}  // namespace melrecon::recon

#include "io/case_files.h"

#include <ATen/ATen.h>

#include "core/error.h"
#include "core/tensor_checks.h"

namespace melrecon::io {
namespace {

std::string cfl_file(const std::string& path) { return cfl_base_name(path) + ".cfl"; }

}  // namespace

at::Tensor mask_from_kspace(const at::Tensor& kspace) {
  return (kspace.abs().sum(1, /*keepdim=*/true) > 0).to(at::kFloat);
}

void check_maps_not_zero(const at::Tensor& maps, const std::string& file) {
  MELRECON_CHECK(maps.abs().max().item<double>() > 0,
                 "{}: the coil maps are all zero (no coil sees the image)", file);
}

void check_mask_fits(const at::Tensor& mask, const at::Tensor& kspace, const std::string& file) {
  MELRECON_CHECK(mask.dim() == kspace.dim(), "{}: mask has rank {}, k-space has rank {}", file,
                 mask.dim(), kspace.dim());
  for (int64_t d = 0; d < mask.dim(); ++d) {
    MELRECON_CHECK(mask.size(d) == 1 || mask.size(d) == kspace.size(d),
                   "{}: mask shape {} does not fit k-space shape {} (axis {})", file,
                   core::shape_string(mask.sizes()), core::shape_string(kspace.sizes()), d);
  }
  core::check_finite(mask, file);
  // A sampling pattern or sampling weights: 0..1. Larger values only scale the data and make
  // AᴴA overflow float32.
  // Stored as complex by BART: real values, imaginary parts zero.
  const at::Tensor values = mask.is_complex() ? at::real(mask) : mask;
  const double largest = values.max().item<double>(), smallest = values.min().item<double>();
  const double imaginary = mask.is_complex() ? at::imag(mask).abs().max().item<double>() : 0.0;
  MELRECON_CHECK(smallest >= 0.0 && largest <= 1.0 && imaginary == 0.0,
                 "{}: mask values must lie in [0, 1] (a sampling pattern or weights), "
                 "found {:g}",
                 file,
                 smallest < 0.0  ? smallest
                 : largest > 1.0 ? largest
                                 : imaginary);
  MELRECON_CHECK(largest > 0.0, "{}: the mask samples nothing (all zero)", file);
}

Case load_case(const CaseFiles& files) {
  Case c;
  const CflArray kspace = read_cfl(files.kspace);
  c.kind = files.kind ? *files.kind : infer_kind(kspace.dims, cfl_file(files.kspace));
  c.kspace = from_bart(kspace, Role::kspace, c.kind, cfl_file(files.kspace));
  core::check_finite(c.kspace, cfl_file(files.kspace));

  c.maps = read_bart(files.maps, Role::maps, c.kind);
  const std::string maps_file = cfl_file(files.maps);
  core::check_finite(c.maps, maps_file);
  check_maps_not_zero(c.maps, maps_file);
  MELRECON_CHECK(c.maps.size(0) == 1 || c.maps.size(0) == c.kspace.size(0),
                 "{}: maps have {} batch entries, k-space has {}", maps_file, c.maps.size(0),
                 c.kspace.size(0));
  check_maps_fit(c.maps.sizes(), c.kspace.sizes(), c.kind, maps_file);

  if (files.mask.empty()) {
    c.mask = mask_from_kspace(c.kspace);
    MELRECON_CHECK(c.mask.max().item<float>() > 0,
                   "{}: the k-space is all zero (nothing sampled to reconstruct from)",
                   cfl_file(files.kspace));
  } else {
    const at::Tensor mask = read_bart(files.mask, Role::mask, c.kind);
    check_mask_fits(mask, c.kspace, cfl_file(files.mask));
    c.mask = at::real(mask).to(at::kFloat);
  }
  return c;
}

}  // namespace melrecon::io

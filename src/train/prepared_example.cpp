#include "train/prepared_example.h"

#include <ATen/ATen.h>

#include "core/error.h"
#include "sampling/masks.h"

namespace melrecon::train {

std::string mask_pattern(const SamplingConfig& sampling, io::DataKind kind) {
  if (sampling.pattern != "auto") return sampling.pattern;
  switch (kind) {
    case io::DataKind::image2d:
      return "2d-lines";
    case io::DataKind::volume3d:
      return "3d";
    case io::DataKind::cine:
      return "cine-vista";
  }
  return "";
}

at::Tensor generate_mask(const SamplingConfig& sampling, io::DataKind kind,
                         const std::vector<int64_t>& spatial_shape, uint64_t seed) {
  const auto mask_kind = sampling::parse_mask_kind(mask_pattern(sampling, kind));
  return sampling::make_mask(sampling::MaskOptions(mask_kind, spatial_shape)
                                 .accel(sampling.accel)
                                 .calib(sampling.calib)
                                 .seed(seed))
      .mask;
}

PreparedExample prepare_example(const LoadedExample& example, const SamplingConfig& sampling,
                                io::DataKind kind, const mri::SenseOptions& sense, uint64_t seed,
                                c10::Device device) {
  at::Tensor mask;
  if (sampling.source == "stored") {
    MELRECON_CHECK(example.mask.defined(),
                   "{}: sampling.source is 'stored' but the case has no mask file", example.name);
    mask = example.mask;
  } else {
    const auto shape = example.kspace.sizes().slice(2).vec();
    mask = generate_mask(sampling, kind, shape, seed);
  }
  const auto real = c10::toRealValueType(example.kspace.scalar_type());
  mask = mask.to(device, real);
  const mri::SenseOp op(example.maps.to(device), mask, sense);
  at::Tensor kspace = example.kspace.to(device) * mask;
  const double scale = op.adjoint(kspace).abs().max().item<double>();
  MELRECON_CHECK(scale > 0, "{}: the undersampled k-space is all zero", example.name);
  kspace = kspace / scale;
  return {modl::ModlProblem(op, kspace),
          kspace,
          example.reference.to(device) / scale,
          mask,
          scale,
          example.name};
}

}  // namespace melrecon::train

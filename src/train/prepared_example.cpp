#include "train/prepared_example.h"

#include <ATen/ATen.h>
#include <fmt/format.h>

#include "core/error.h"
#include "core/tensor_checks.h"
#include "sampling/masks.h"

namespace melrecon::train {

sampling::MaskKind mask_pattern(const SamplingConfig& sampling, io::DataKind kind) {
  if (sampling.pattern) return *sampling.pattern;
  switch (kind) {
    case io::DataKind::image2d:
      return sampling::MaskKind::lines2d;
    case io::DataKind::volume3d:
      return sampling::MaskKind::volume3d;
    case io::DataKind::cine:
      return sampling::MaskKind::cine_vista;
  }
  core::fail_internal(__FILE__, __LINE__, "data kind {} has no default mask",
                      static_cast<int>(kind));
}

at::Tensor generate_mask(const SamplingConfig& sampling, io::DataKind kind,
                         const std::vector<int64_t>& spatial_shape, uint64_t seed) {
  try {
    return sampling::make_mask(sampling::MaskOptions(mask_pattern(sampling, kind), spatial_shape)
                                   .accel(sampling.accel)
                                   .calib(sampling.calib)
                                   .seed(seed))
        .mask;
  } catch (const core::UsageError& e) {  // say which settings made the impossible mask
    throw core::UsageError(
        fmt::format("{} (sampling.pattern {}, sampling.accel {}, "
                    "sampling.calib {}, for {} data of shape {})",
                    e.what(), core::choice_name(mask_pattern(sampling, kind)), sampling.accel,
                    sampling.calib, core::choice_name(kind), core::shape_string(spatial_shape)));
  }
}

PreparedExample prepare_example(const data::LoadedExample& example, const SamplingConfig& sampling,
                                io::DataKind kind, const mri::SenseOptions& sense, uint64_t seed,
                                c10::Device device) {
  at::Tensor mask;
  if (sampling.source == MaskSource::stored) {
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

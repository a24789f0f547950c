#include "unrolled/random_problem.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "core/error.h"

namespace melrecon::unrolled {

Problem random_problem(const RandomProblemSpec& spec, uint64_t seed, c10::ScalarType complex_dtype,
                       c10::Device device) {
  MELRECON_CHECK(spec.image_shape.size() == 3 || spec.image_shape.size() == 4,
                 "random problem: image shape must be [B, Y, X] or [B, Z|T, Y, X]");
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const auto cpu = at::TensorOptions().dtype(complex_dtype);
  std::vector<int64_t> kshape = spec.image_shape;
  kshape.insert(kshape.begin() + 1, spec.coils);
  at::Tensor maps = at::randn(kshape, gen, cpu);
  maps = maps / maps.abs().pow(2).sum(1, true).sqrt();
  // Phase-encode lines (all axes but the readout X) sampled at random; readout fully sampled.
  std::vector<int64_t> mshape(kshape.size(), 1);
  for (size_t d = 2; d + 1 < kshape.size(); ++d) mshape[d] = kshape[d];
  const auto real = c10::toRealValueType(complex_dtype);
  const at::Tensor mask =
      (at::rand(mshape, gen, at::TensorOptions().dtype(real)) < spec.sampling_fraction).to(real);
  const at::Tensor image = at::randn(spec.image_shape, gen, cpu);
  const at::Tensor noise = at::randn(kshape, gen, cpu);
  const auto options = mri::SenseOptions().fft_axes(spec.fft_axes).coil_chunk(spec.coil_chunk);
  const mri::SenseOp cpu_op(maps, mask, options);
  const at::Tensor kspace = (cpu_op.forward(image) + spec.noise * noise * mask).to(device);
  return Problem(mri::SenseOp(maps.to(device), mask.to(device), options), kspace);
}

}  // namespace melrecon::unrolled

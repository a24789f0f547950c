// Small MoDL problems for tests (header-only: only the suites that link modl include it).
// float64 / complex128, seeded, for 2D, 3D and 2D+time.
#pragma once

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <string>

#include "modl/modl_net.h"
#include "support/test_support.h"

namespace melrecon::testing {

struct SmallGeometry {
  std::string name;
  std::vector<int64_t> image_shape;  // [B, *S]
  int64_t coils;
  std::vector<int64_t> fft_axes;
  nn::ConvKind conv;
};

inline std::vector<SmallGeometry> small_geometries() {
  return {{"2d", {2, 12, 10}, 3, {}, nn::ConvKind::conv2d},
          {"3d", {1, 4, 8, 6}, 3, {}, nn::ConvKind::conv3d},
          {"cine", {1, 5, 8, 6}, 3, {1, 2}, nn::ConvKind::conv2p1d}};
}

// Random maps normalised to unit root-sum-of-squares, a random mask (R ≈ 2 with a fully
// sampled centre line), k-space from a random image plus noise.
inline modl::ModlProblem small_problem(const SmallGeometry& g, uint64_t seed,
                                       c10::ScalarType dtype = at::kComplexDouble) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  std::vector<int64_t> kshape = g.image_shape;
  kshape.insert(kshape.begin() + 1, g.coils);
  at::Tensor maps = random_complex(kshape, seed + 1);
  maps = maps / maps.abs().pow(2).sum(1, true).sqrt();
  std::vector<int64_t> mshape(kshape.size(), 1);
  for (size_t d = 2; d < kshape.size(); ++d) mshape[d] = kshape[d];
  at::Tensor mask = (at::rand(mshape, gen, at::kDouble) < 0.5).to(at::kDouble);
  const mri::SenseOp op(maps, mask, mri::SenseOptions().fft_axes(g.fft_axes));
  const at::Tensor image = random_complex(g.image_shape, seed + 2);
  const at::Tensor kspace = op.forward(image) + 0.01 * random_complex(kshape, seed + 3) * mask;
  if (dtype == at::kComplexDouble) return modl::ModlProblem(op, kspace);
  return modl::ModlProblem(mri::SenseOp(maps.to(dtype), mask.to(c10::toRealValueType(dtype)),
                                        op.options()),
                           kspace.to(dtype));
}

inline modl::ModlOptions small_modl_options(const SmallGeometry& g, int64_t unrolls,
                                            double lipschitz = 0.0) {
  return modl::ModlOptions()
      .num_unrolls(unrolls)
      .cg_iters(8)
      .lambda(0.05)
      .denoiser(nn::DenoiserOptions().cnn(
          nn::ResidualCnnOptions().kind(g.conv).num_layers(3).features(6).lipschitz(lipschitz)));
}

inline modl::Modl small_model(const modl::ModlOptions& options, uint64_t seed,
                              c10::ScalarType dtype = at::kDouble) {
  at::manual_seed(seed);  // LibTorch's initialisers draw from the default generator
  modl::Modl model(options);
  model->to(dtype);
  model->update_normalisation();  // singular vectors of the float64 weights
  return model;
}

}  // namespace melrecon::testing

// Small MoDL problems for tests (header-only: only the suites that link modl include it).
// float64 / complex128, seeded, for 2D, 3D and 2D+time.
#pragma once

#include <ATen/ATen.h>

#include <string>

#include "modl/modl_net.h"
#include "modl/random_problem.h"
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

inline modl::ModlProblem small_problem(const SmallGeometry& g, uint64_t seed,
                                       c10::ScalarType dtype = at::kComplexDouble) {
  modl::RandomProblemSpec spec;
  spec.image_shape = g.image_shape;
  spec.coils = g.coils;
  spec.fft_axes = g.fft_axes;
  return modl::random_problem(spec, seed, dtype);
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

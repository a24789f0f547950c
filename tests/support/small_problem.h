// Small problems and networks (MoDL, VarNet) for tests (header-only: only the suites that link
// modl and varnet include it). float64 / complex128, seeded, for 2D, 3D and 2D+time.
#pragma once

#include <ATen/ATen.h>

#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>

#include "modl/modl_net.h"
#include "support/test_support.h"
#include "unrolled/random_problem.h"
#include "varnet/varnet.h"

namespace melrecon::test_support {

struct SmallGeometry {
  std::string name;
  std::vector<int64_t> image_shape;  // [B, *S]
  int64_t coils;
  std::vector<int64_t> fft_axes;
  nn::ConvKind conv;
};

// GoogleTest names parameterised cases with it (instead of the object's bytes).
inline void PrintTo(const SmallGeometry& g, std::ostream* os) { *os << g.name; }

inline std::vector<SmallGeometry> small_geometries() {
  return {{"2d", {2, 12, 10}, 3, {}, nn::ConvKind::conv2d},
          {"3d", {1, 4, 8, 6}, 3, {}, nn::ConvKind::conv3d},
          {"cine", {1, 5, 8, 6}, 3, {1, 2}, nn::ConvKind::conv2p1d}};
}

inline modl::ModlProblem small_problem(const SmallGeometry& g, uint64_t seed,
                                       c10::ScalarType dtype = at::kComplexDouble) {
  unrolled::RandomProblemSpec spec;
  spec.image_shape = g.image_shape;
  spec.coils = g.coils;
  spec.fft_axes = g.fft_axes;
  return unrolled::random_problem(spec, seed, dtype);
}

inline modl::ModlOptions small_modl_options(const SmallGeometry& g, int64_t unrolls,
                                            double lipschitz = 0.0) {
  return modl::ModlOptions().num_unrolls(unrolls).cg_iters(8).lambda(0.05).denoiser(
      nn::DenoiserOptions().cnn(
          nn::ResidualCnnOptions().kind(g.conv).num_layers(3).features(6).lipschitz(lipschitz)));
}

// A VarNet with the same small CNN; step + lipschitz < 1 keeps it invertible.
inline varnet::VarNetOptions small_varnet_options(const SmallGeometry& g, int64_t unrolls,
                                                  double lipschitz = 0.0, double step = 0.3) {
  varnet::VarNetOptions o;
  o.num_unrolls(unrolls);
  o.step_size(step);
  o.regulariser(nn::DenoiserOptions().cnn(
      nn::ResidualCnnOptions().kind(g.conv).num_layers(3).features(6).lipschitz(lipschitz)));
  return o;
}

// Every architecture, by its configuration name: the strategy tests in tests/mel run over these
// (a new architecture is added here and in small_network).
inline std::vector<std::string> architectures() { return {"modl", "varnet"}; }

// An architecture behind the interface the strategies use, weights seeded, in `dtype`; `network`
// replaces the small CNN (MoDL's denoiser, VarNet's regulariser) when given.
inline std::shared_ptr<unrolled::UnrolledModel> small_network(
    const std::string& arch, const SmallGeometry& g, int64_t unrolls, uint64_t seed,
    c10::ScalarType dtype = at::kDouble,
    const std::optional<nn::DenoiserOptions>& network = std::nullopt) {
  at::manual_seed(seed);
  std::shared_ptr<unrolled::UnrolledModel> model;
  if (arch == "varnet") {
    varnet::VarNetOptions o = small_varnet_options(g, unrolls);
    if (network) o.regulariser(*network);
    model = std::make_shared<varnet::VarNetImpl>(o);
  } else if (arch == "modl") {
    modl::ModlOptions o = small_modl_options(g, unrolls);
    if (network) o.denoiser(*network);
    model = std::make_shared<modl::ModlImpl>(o);
  } else {
    throw std::invalid_argument("small_network: no architecture " + arch);
  }
  model->module().to(dtype);
  model->update_normalisation();
  return model;
}

inline modl::Modl small_model(const modl::ModlOptions& options, uint64_t seed,
                              c10::ScalarType dtype = at::kDouble) {
  at::manual_seed(seed);  // LibTorch's initialisers draw from the default generator
  modl::Modl model(options);
  model->to(dtype);
  model->update_normalisation();  // singular vectors of the float64 weights
  return model;
}

}  // namespace melrecon::test_support

// The gradient strategies on every architecture (test_support::architectures) through the
// unrolled-model interface alone: `mel` equals plain backprop to round-off with the residual CNN
// and with the U-Net, on 2D, 3D and 2D+time (float64). Each architecture's own mathematics and
// its `mel-invertible` cases: tests/mel/gradient_strategies_test.cpp (MoDL), tests/varnet.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <ostream>

#include "support/small_problem.h"
#include "support/strategy_gradients.h"

namespace melrecon::mel {
namespace {

using test_support::SmallGeometry;

struct ArchitectureCase {
  std::string arch;
  SmallGeometry geometry;
  bool unet = false;
};

void PrintTo(const ArchitectureCase& c, std::ostream* os) {
  *os << c.arch << " " << c.geometry.name << (c.unet ? " U-Net" : " CNN");
}

class EveryArchitecture : public ::testing::TestWithParam<ArchitectureCase> {};

TEST_P(EveryArchitecture, MelEqualsFullToRoundOff) {
  const auto& [arch, g, unet] = GetParam();
  const auto problem = test_support::small_problem(g, 21);
  std::optional<nn::DenoiserOptions> network;
  if (unet) {  // the U-Net takes its dimensionality from the CNN options' kind
    network = nn::DenoiserOptions()
                  .cnn(nn::ResidualCnnOptions().kind(g.conv))
                  .unet(nn::UNetOptions().levels(2).features(3));
  }
  const auto model = test_support::small_network(arch, g, 3, 22, at::kDouble, network);
  const test_support::Gradients full =
      test_support::gradients_of(mel::Strategy::full, *model, problem);
  const test_support::Gradients mel =
      test_support::gradients_of(mel::Strategy::mel, *model, problem);
  expect_same_gradients(mel, full, 1e-10, arch + " " + g.name);
  double total = 0.0;
  for (const auto& [name, gradient] : full.named) total += gradient.abs().sum().item<double>();
  EXPECT_GT(total, 0.0) << "the gradients are really there";
}

std::vector<ArchitectureCase> architecture_cases() {
  std::vector<ArchitectureCase> cases;
  for (const std::string& arch : test_support::architectures()) {
    for (SmallGeometry g : test_support::small_geometries()) {
      cases.push_back({arch, g, false});
      if (g.conv == nn::ConvKind::conv2p1d) g.conv = nn::ConvKind::conv3d;  // the U-Net's cine
      cases.push_back({arch, g, true});
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Strategies, EveryArchitecture, ::testing::ValuesIn(architecture_cases()),
                         [](const auto& info) {
                           return info.param.arch + "_" + info.param.geometry.name +
                                  (info.param.unet ? "_unet" : "_cnn");
                         });

}  // namespace
}  // namespace melrecon::mel

// Coil-map estimation without reference tools: known sensitivities are recovered, only the
// calibration region is used, cine and 3D follow their documented reductions to 2D, the phase
// convention holds, and bad input is reported.
#include "calib/coil_maps.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "calib/map_similarity.h"
#include "calib/synthetic_coils.h"
#include "core/error.h"
#include "mri/fft.h"

namespace melrecon::calib {
namespace {

using test_support::coil_kspace;
using test_support::ellipse_object;
using test_support::smooth_sensitivities;

const CoilMapOptions kEspirit = CoilMapOptions();
const CoilMapOptions kLowres = CoilMapOptions().method(Method::lowres);

struct Phantom {
  at::Tensor sensitivities;  // [1, C, Y, X]
  at::Tensor object;         // [1, Y, X] bool
  at::Tensor kspace;         // [1, C, Y, X]
};

Phantom phantom(int64_t ny = 64, int64_t nx = 56) {
  const at::Tensor s = smooth_sensitivities(6, ny, nx);
  const at::Tensor m = ellipse_object(ny, nx);
  return {s.unsqueeze(0), (m.abs() > 0).unsqueeze(0), coil_kspace(m, s)};
}

TEST(CoilMaps, RecoverKnownSensitivities) {
  const Phantom p = phantom();
  for (const auto& options : {kEspirit, kLowres}) {
    const at::Tensor maps = estimate_coil_maps(p.kspace, Kind::image2d, options);
    ASSERT_EQ(maps.sizes(), p.kspace.sizes());
    EXPECT_EQ(maps.scalar_type(), p.kspace.scalar_type());
    const at::Tensor sim = test_support::map_similarity(maps, p.sensitivities);
    EXPECT_GT(test_support::fraction_above(sim, p.object, 0.99), 0.99)
        << core::choice_name(options.method());
  }
}

TEST(CoilMaps, MapsAreUnitNormWhereKeptAndPhaseAlignedToOneVirtualCoil) {
  const Phantom p = phantom();
  for (const auto& options : {kEspirit, kLowres}) {
    const at::Tensor maps =
        estimate_coil_maps(p.kspace, Kind::image2d, options).to(at::kComplexDouble);
    const at::Tensor norm = maps.abs().pow(2).sum(1).sqrt();
    const at::Tensor kept = norm > 0;
    EXPECT_LT((norm.masked_select(kept) - 1).abs().max().item<double>(), 1e-5);
    // The object is kept; the empty corners are cropped.
    EXPECT_TRUE(kept.masked_select(p.object).all().item<bool>())
        << core::choice_name(options.method());
    EXPECT_FALSE(kept[0][0][0].item<bool>());
    // One fixed vector u makes uᴴs real and non-negative at every kept pixel, so neighbouring
    // pixels never jump in phase: the maps are smooth inside the object.
    const at::Tensor step =
        (maps.narrow(3, 1, 55) - maps.narrow(3, 0, 55)).abs().pow(2).sum(1).sqrt();
    const at::Tensor both = p.object.narrow(2, 1, 55) & p.object.narrow(2, 0, 55);
    EXPECT_LT(step.masked_select(both).max().item<double>(), 0.2)
        << core::choice_name(options.method());
  }
}

TEST(CoilMaps, OnlyTheCalibrationRegionMatters) {
  const Phantom p = phantom();
  // Keep every third line outside the 24 central ones: the calibration data are unchanged.
  const at::Tensor lines = at::arange(64) % 3 == 0;
  lines.narrow(0, 32 - 12, 24).fill_(true);
  const at::Tensor undersampled = p.kspace * lines.reshape({1, 1, 64, 1});
  for (const auto& options : {kEspirit, kLowres}) {
    const at::Tensor full = estimate_coil_maps(p.kspace, Kind::image2d, options);
    const at::Tensor under = estimate_coil_maps(undersampled, Kind::image2d, options);
    EXPECT_LT((full - under).abs().max().item<double>(), 1e-5)
        << core::choice_name(options.method());
  }
}

TEST(CoilMaps, CineUsesTheTimeAveragedKspace) {
  const at::Tensor s = smooth_sensitivities(4, 48, 40);
  // Three frames of a moving object, each sampled on other lines outside the centre.
  std::vector<at::Tensor> frames;
  at::Tensor sum = at::zeros({1, 4, 48, 40}, at::kComplexDouble);
  for (int64_t t = 0; t < 3; ++t) {
    const at::Tensor k = coil_kspace(ellipse_object(48, 40, 2.0 * t), s);
    sum += k;
    at::Tensor lines = at::arange(48) % 3 == t;
    lines.narrow(0, 24 - 10, 20).fill_(true);
    frames.push_back(k * lines.reshape({1, 1, 48, 1}));
  }
  const at::Tensor cine = at::stack(frames, 2);  // [1, C, T, Y, X]
  const CoilMapOptions options = CoilMapOptions().calib_size(20);
  const at::Tensor maps = estimate_coil_maps(cine, Kind::cine, options);
  ASSERT_EQ(maps.sizes(), (c10::IntArrayRef{1, 4, 1, 48, 40}));  // one frame for all
  // Inside the calibration region every frame was sampled: its average is the mean k-space.
  const at::Tensor expected = estimate_coil_maps(sum / 3, Kind::image2d, options);
  EXPECT_LT((maps.select(2, 0) - expected).abs().max().item<double>(), 1e-5);
}

TEST(CoilMaps, Volume3dCalibratesEachReadoutPositionIn2d) {
  // A 3D volume [Z, Y, X]: the 2D phantom along (Z, Y), empty at the first two readout
  // positions and with a phase varying along the readout after them.
  const at::Tensor s = smooth_sensitivities(4, 32, 28);  // [C, Z, Y]
  const at::Tensor plane = ellipse_object(32, 28);       // [Z, Y]
  const at::Tensor profile =
      at::cat({at::zeros({2}, at::kComplexDouble),
               at::polar(at::ones({8}, at::kDouble), at::linspace(0, 3, 8, at::kDouble))});
  const at::Tensor volume = (s * plane).unsqueeze(-1) * profile;  // [C, Z, Y, X=10]
  const at::Tensor kspace = mri::fftc(volume, {-3, -2, -1}).unsqueeze(0);
  const CoilMapOptions options = CoilMapOptions().calib_size(16).kernel_size(5);
  const at::Tensor maps = estimate_coil_maps(kspace, Kind::volume3d, options);
  ASSERT_EQ(maps.sizes(), kspace.sizes());
  const at::Tensor hybrid = mri::ifftc(kspace, {-1});
  // Readout positions without signal keep no kernels above the case's threshold: no maps.
  EXPECT_FALSE((maps.narrow(-1, 0, 2).abs() > 0).any().item<bool>());
  for (int64_t x = 2; x < 10; ++x) {
    const at::Tensor slice_maps = estimate_coil_maps(hybrid.select(-1, x), Kind::image2d, options);
    const at::Tensor ours = maps.select(-1, x);
    // The same maps up to the case-wide phase reference: same crop, parallel coil vectors.
    const at::Tensor kept = ours.abs().sum(1) > 0;
    EXPECT_TRUE(at::equal(kept, slice_maps.abs().sum(1) > 0)) << "x " << x;
    const at::Tensor sim = test_support::map_similarity(ours, slice_maps);
    EXPECT_GT(sim.masked_select(kept).min().item<double>(), 1 - 1e-5) << "x " << x;
  }
}

TEST(CoilMaps, BadInputIsReported) {
  const Phantom p = phantom();
  // No sampled centre: nothing to calibrate from.
  at::Tensor holes = p.kspace.clone();
  holes.select(2, 32).zero_();
  EXPECT_THROW(estimate_coil_maps(holes, Kind::image2d, kEspirit), core::Error);
  try {
    estimate_coil_maps(holes, Kind::image2d, kEspirit);
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("fully sampled"), std::string::npos) << e.what();
  }
  EXPECT_THROW(estimate_coil_maps(p.kspace[0], Kind::image2d, kEspirit), core::Error);
  EXPECT_THROW(estimate_coil_maps(p.kspace, Kind::volume3d, kEspirit), core::Error);
  EXPECT_THROW(estimate_coil_maps(p.kspace.abs(), Kind::image2d, kEspirit), core::Error);
  EXPECT_THROW(estimate_coil_maps(p.kspace, Kind::image2d, CoilMapOptions().kernel_size(30)),
               core::Error);
}

}  // namespace
}  // namespace melrecon::calib

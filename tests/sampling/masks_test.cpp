// Every mask kind: achieved R against the request, calibration, seeds, per-frame patterns,
// variable density, and the option checks.
#include "sampling/masks.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "sampling/kspace_grid.h"
#include "support/expect_error.h"

namespace melrecon::sampling {
namespace {

struct KindCase {
  MaskKind kind;
  std::vector<int64_t> shape;
  bool elliptical = false;
  int64_t calib = 24;  // 24x24 for Poisson kinds; central lines (fastMRI-like 4%) for 2d-lines
};

const std::vector<KindCase>& all_kinds() {
  static const std::vector<KindCase> kinds = {
      {MaskKind::volume3d, {96, 128, 4}},   {MaskKind::volume3d, {96, 128, 4}, true},
      {MaskKind::poisson2d, {128, 96}},     {MaskKind::lines2d, {320, 8}, false, 12},
      {MaskKind::cine_vista, {20, 128, 8}}, {MaskKind::cine_random, {20, 128, 8}}};
  return kinds;
}

Mask make(const KindCase& k, double accel, uint64_t seed) {
  return make_mask(
      MaskOptions(k.kind, k.shape).accel(accel).calib(k.calib).seed(seed).elliptical(k.elliptical));
}

Mask make(KindCase k, double accel, uint64_t seed, int64_t calib) {
  k.calib = calib;
  return make(k, accel, seed);
}

TEST(Masks, AchievedAccelerationWithinFivePercent) {
  for (const auto& k : all_kinds()) {
    for (double r : {2.0, 4.0, 8.0, 12.0, 16.0}) {
      const Mask m = make(k, r, 3);
      EXPECT_NEAR(m.accel() / r, 1.0, 0.05) << core::choice_name(k.kind) << " R=" << r;
      EXPECT_DOUBLE_EQ(acceleration(m.mask), m.accel());
      EXPECT_EQ(m.sampled, (m.mask != 0).sum().item<int64_t>());
      EXPECT_TRUE(((m.mask == 0) | (m.mask == 1)).all().item<bool>());
    }
  }
}

TEST(Masks, ShapesFollowTheLayout) {
  EXPECT_EQ(make(all_kinds()[0], 4, 1).mask.sizes(), (std::vector<int64_t>{1, 1, 96, 128, 1}));
  EXPECT_EQ(make(all_kinds()[2], 4, 1).mask.sizes(), (std::vector<int64_t>{1, 1, 128, 96}));
  EXPECT_EQ(make(all_kinds()[3], 4, 1).mask.sizes(), (std::vector<int64_t>{1, 1, 320, 1}));
  EXPECT_EQ(make(all_kinds()[4], 4, 1).mask.sizes(), (std::vector<int64_t>{1, 1, 20, 128, 1}));
}

TEST(Masks, CalibrationRegionFullySampled) {
  for (const auto& k : all_kinds()) {
    const int64_t c = k.calib;
    const at::Tensor m = make(k, 12, 5).mask.squeeze();  // [Z,Y] | [Y,X] | [Y] | [T,Y]
    const int64_t n_last = m.size(-1);
    if (k.kind == MaskKind::lines2d) {
      EXPECT_TRUE(m.narrow(0, band_start(n_last, c), c).all().item<bool>());
    } else if (k.kind == MaskKind::cine_vista || k.kind == MaskKind::cine_random) {
      // The union over frames (the time average) covers the band; frames alone do not need to.
      const at::Tensor band = m.narrow(1, band_start(n_last, c), c);
      EXPECT_TRUE(band.amax(0).all().item<bool>()) << core::choice_name(k.kind);
      EXPECT_FALSE(band.all().item<bool>())
          << core::choice_name(k.kind) << ": every frame holds the band";
    } else {
      const at::Tensor square =
          m.narrow(0, band_start(m.size(0), c), c).narrow(1, band_start(n_last, c), c);
      EXPECT_TRUE(square.all().item<bool>()) << core::choice_name(k.kind);
    }
  }
}

TEST(Masks, SameSeedSameMaskOtherSeedOtherMask) {
  for (const auto& k : all_kinds()) {
    const at::Tensor a = make(k, 6, 42).mask;
    EXPECT_TRUE(at::equal(a, make(k, 6, 42).mask)) << core::choice_name(k.kind);
    EXPECT_FALSE(at::equal(a, make(k, 6, 43).mask)) << core::choice_name(k.kind);
  }
}

TEST(Masks, CineFramesDifferAndKeepTheirLineCount) {
  for (MaskKind kind : {MaskKind::cine_vista, MaskKind::cine_random}) {
    const at::Tensor m = make({kind, {16, 96, 4}, false}, 8, 9, 12).mask.squeeze();  // [T, Y]
    const int64_t frames = m.size(0);
    for (int64_t t = 0; t < frames; ++t) {
      EXPECT_EQ(m[t].sum().item<int64_t>(), 96 / 8) << core::choice_name(kind) << " frame " << t;
      for (int64_t u = t + 1; u < frames; ++u) {
        EXPECT_FALSE(at::equal(m[t], m[u]))
            << core::choice_name(kind) << " frames " << t << ", " << u;
      }
    }
  }
}

// VISTA's golden-ratio interleaving spreads each line's samples evenly over time and covers ky
// more completely than independent random frames.
TEST(Masks, VistaCoversKtMoreUniformlyThanRandom) {
  auto coverage = [](MaskKind kind) {
    const at::Tensor m = make({kind, {24, 128, 1}, false}, 8, 4, 0).mask.squeeze();
    return m.amax(0).sum().item<double>() / m.size(1);
  };
  EXPECT_GT(coverage(MaskKind::cine_vista), coverage(MaskKind::cine_random));
  EXPECT_GT(coverage(MaskKind::cine_vista), 0.9);
}

// Without calibration, the variable density alone concentrates samples near the centre
// (expected centre/edge density ratio ≈ 2.5 for vd = 2; averaged over seeds).
TEST(Masks, DensityFallsFromTheCentre) {
  for (const auto& k : all_kinds()) {
    if (k.elliptical) continue;
    at::Tensor lines;  // density along the last sampled axis
    for (uint64_t seed : {1, 2, 3, 4}) {
      const at::Tensor m = make(k, 4, seed, 0).mask.squeeze();
      const at::Tensor d = m.dim() == 1 ? m : m.mean(0);
      lines = lines.defined() ? lines + d : d;
    }
    const int64_t n = lines.size(0);
    const double centre = lines.narrow(0, n / 2 - n / 8, n / 4).mean().item<double>();
    const double edges =
        (lines.narrow(0, 0, n / 8).mean() + lines.narrow(0, n - n / 8, n / 8).mean())
            .item<double>() /
        2;
    EXPECT_GT(centre, 1.5 * edges) << core::choice_name(k.kind);
  }
}

void expect_usage_error(const MaskOptions& o, const std::string& what) {
  test_support::expect_error<core::UsageError>([&] { make_mask(o); }, "mask", what);
}

TEST(Masks, BadOptionsAreUsageErrors) {
  expect_usage_error(MaskOptions(MaskKind::volume3d, {64, 64}), "needs 3 sizes (Z,Y,X)");
  expect_usage_error(MaskOptions(MaskKind::lines2d, {0, 64}), "size below 1");
  expect_usage_error(MaskOptions(MaskKind::poisson2d, {64, 64}).accel(0.5), "outside [1, 64]");
  expect_usage_error(MaskOptions(MaskKind::poisson2d, {64, 64}).accel(100), "outside [1, 64]");
  expect_usage_error(MaskOptions(MaskKind::poisson2d, {64, 64}).calib(80), "does not fit");
  expect_usage_error(MaskOptions(MaskKind::poisson2d, {64, 64}).accel(16).calib(24),
                     "alone exceeds");
  expect_usage_error(MaskOptions(MaskKind::lines2d, {64, 64}).elliptical(true), "elliptical");
  // 4 frames x 64 lines at R = 23: 11 lines, 2 per frame, but 9 calibration lines need 3.
  expect_usage_error(MaskOptions(MaskKind::cine_vista, {4, 64, 64}).accel(23).calib(9),
                     "lines per frame");
  EXPECT_THROW(core::parse_choice<MaskKind>("3D-poisson"), core::UsageError);
  EXPECT_EQ(core::parse_choice<MaskKind>("cine-vista"), MaskKind::cine_vista);
}

}  // namespace
}  // namespace melrecon::sampling

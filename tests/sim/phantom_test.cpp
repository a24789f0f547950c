// The numerical phantoms: randomised Shepp-Logan (2D, 3D) and the beating heart.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

#include "sim/heart_phantom.h"
#include "sim/shepp_logan.h"

namespace melrecon::sim {
namespace {

TEST(SheppLogan, RandomEllipsesStayInRangeAndInsideTheFieldOfView) {
  for (bool volume : {false, true}) {
    const std::vector<Ellipsoid> table = shepp_logan(volume);
    ASSERT_EQ(table.size(), static_cast<size_t>(kSheppLoganEllipses));
    bool some_lesions = false;
    for (uint64_t seed = 0; seed < 20; ++seed) {
      core::Rng rng(seed);
      const std::vector<Ellipsoid> shapes = random_shepp_logan(volume, rng);
      ASSERT_GE(shapes.size(), table.size());
      ASSERT_LE(shapes.size(), table.size() + kMaxLesions);
      some_lesions |= shapes.size() > table.size();
      EXPECT_EQ(shapes[0].intensity, 1.0);
      EXPECT_EQ(shapes[1].intensity, -0.8);
      for (size_t i = 0; i < shapes.size(); ++i) {
        const Ellipsoid& e = shapes[i];
        // The bounding circle in (x, y), and the z extent, inside [-1, 1].
        const double reach = std::hypot(e.center[0], e.center[1]) + std::max(e.axes[0], e.axes[1]);
        EXPECT_LT(reach, 1.0) << "seed " << seed << " ellipse " << i;
        if (volume) {
          EXPECT_LT(std::abs(e.center[2]) + e.axes[2], 1.0);
        }
        if (i >= 2 && i < table.size()) {
          const double ratio = e.intensity / table[i].intensity;
          EXPECT_GE(ratio, 0.6);
          EXPECT_LE(ratio, 1.4);
        }
        if (i < table.size()) {
          const double ratio = e.axes[0] / table[i].axes[0];  // global 0.8–0.9 × own 0.9–1.1
          EXPECT_GE(ratio, 0.72 - 1e-12);
          EXPECT_LE(ratio, 0.99 + 1e-12);
        }
      }
    }
    EXPECT_TRUE(some_lesions);
  }
}

TEST(SheppLogan, ImagesAreSeededAndLookLikeTheHead) {
  core::Rng a(7), b(7), c(8);
  const at::Tensor x = shepp_logan_image({64, 64}, a);
  EXPECT_TRUE(at::equal(x, shepp_logan_image({64, 64}, b)));
  EXPECT_FALSE(at::equal(x, shepp_logan_image({64, 64}, c)));
  EXPECT_GE(x.min().item<double>(), 0.0);
  EXPECT_LE(x.max().item<double>(), 1.6);
  // The skull (intensity 1) is the brightest ring; the corners are background.
  EXPECT_EQ(x[0][0].item<float>(), 0.0f);
  EXPECT_GT(x.gt(0.9).sum().item<int64_t>(), 50);
  const double inside = (x > 0).to(at::kFloat).mean().item<double>();
  EXPECT_GT(inside, 0.3);
  EXPECT_LT(inside, 0.75);
  core::Rng v(3);
  const at::Tensor vol = shepp_logan_image({16, 32, 32}, v);
  ASSERT_EQ(vol.sizes(), (std::vector<int64_t>{16, 32, 32}));
  EXPECT_GT(vol[8].sum().item<double>(), vol[1].sum().item<double>());  // the head is round in z
}

TEST(HeartPhantom, PeriodicWithTheGivenPeriodWithoutBreathing) {
  core::Rng rng(5);
  const at::Tensor x =
      heart_phantom({24, 64, 64}, HeartPhantomOptions().period_frames(8).breathing(false), rng);
  for (int64_t t = 0; t + 8 < 24; ++t) {
    EXPECT_TRUE(at::equal(x[t], x[t + 8])) << "frame " << t;
    EXPECT_FALSE(at::equal(x[t], x[t + 4])) << "frame " << t;
  }
}

// Blood-pool area (pixels brighter than any other tissue) per frame.
std::vector<double> blood_area(const at::Tensor& x) {
  std::vector<double> area;
  for (int64_t t = 0; t < x.size(0); ++t) area.push_back(x[t].gt(0.85).sum().item<double>());
  return area;
}

TEST(HeartPhantom, ContractsPeriodicallyWhileBreathingMovesIt) {
  core::Rng rng(11);
  const at::Tensor x = heart_phantom({24, 96, 96}, HeartPhantomOptions().period_frames(12), rng);
  const std::vector<double> area = blood_area(x);
  for (int64_t t = 0; t + 12 < 24; ++t) {
    EXPECT_NEAR(area[t + 12] / area[t], 1.0, 0.05) << "frame " << t;  // same cardiac phase
    EXPECT_FALSE(at::equal(x[t], x[t + 12])) << "frame " << t;        // but breathing moved it
  }
  const auto [lo, hi] = std::minmax_element(area.begin(), area.end());
  EXPECT_LT(*lo, 0.8 * *hi);  // systole empties at least 20% of the blood pool
}

TEST(HeartPhantom, DefaultPeriodIsOneBeatOverTheFrames) {
  core::Rng r1(2), r2(2), r3(3);
  const HeartPhantomOptions o;
  const HeartParameters p = random_heart(20, o, r1);
  EXPECT_DOUBLE_EQ(p.period, 20.0);
  EXPECT_NEAR(contraction(p, 3.0), contraction(p, 23.0), 1e-12);
  const at::Tensor a = heart_phantom({20, 48, 48}, o, r2);
  EXPECT_FALSE(at::equal(a, heart_phantom({20, 48, 48}, o, r3)));
  EXPECT_GE(a.min().item<double>(), 0.0);
  EXPECT_LE(a.max().item<double>(), 1.0);
}

}  // namespace
}  // namespace melrecon::sim

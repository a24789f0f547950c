// The calibration region: the largest fully sampled centred block, and its limits.
#include "calib/calibration_region.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "support/test_support.h"

namespace melrecon::calib {
namespace {

at::Tensor lines_kept(const at::Tensor& k, int64_t first, int64_t count) {
  at::Tensor mask = at::zeros({k.size(1), 1}, at::kDouble);
  mask.narrow(0, first, count).fill_(1);
  return k * mask;
}

TEST(CalibrationRegion, LargestCentredFullySampledBlock) {
  const at::Tensor k = test_support::random_complex({2, 32, 31}, 1);  // [C, A, B], odd B
  // Fully sampled: the block is max_size (or the whole axis when smaller), centred on N/2.
  at::Tensor r = calibration_region(k, 24, 6, 6);
  ASSERT_EQ(r.sizes(), (std::vector<int64_t>{2, 24, 24}));
  EXPECT_TRUE(at::equal(r, k.narrow(1, 16 - 12, 24).narrow(2, 15 - 12, 24)));
  EXPECT_EQ(calibration_region(k, 40, 6, 6).sizes(), (std::vector<int64_t>{2, 32, 31}));
  // Lines 10..21 acquired along A (centre 16): a centred block of n spans [16 - n/2, 16 + n - n/2
  // - 1], so n = 12 (10..21) fits and n = 13 (10..22) does not.
  r = calibration_region(lines_kept(k, 10, 12), 24, 6, 6);
  EXPECT_EQ(r.size(1), 12);
  EXPECT_TRUE(at::equal(r, k.narrow(1, 10, 12).narrow(2, 15 - 12, 24)));
  EXPECT_EQ(r.size(2), 24);
  // Trailing axes (a transformed readout) are carried along.
  const at::Tensor k4 = test_support::random_complex({2, 16, 16, 5}, 2);
  EXPECT_EQ(calibration_region(k4, 8, 4, 4).sizes(), (std::vector<int64_t>{2, 8, 8, 5}));
}

TEST(CalibrationRegion, TooSmallOrHolesAreErrors) {
  const at::Tensor k = test_support::random_complex({2, 32, 32}, 3);
  EXPECT_THROW(calibration_region(lines_kept(k, 14, 4), 24, 6, 6), core::Error);  // 4 < 6
  at::Tensor holes = k.clone();
  holes.select(1, 20).select(1, 20).zero_();  // one sample missing, off the centre lines
  EXPECT_THROW(calibration_region(holes, 24, 6, 6), core::Error);
  EXPECT_EQ(calibration_region(holes, 8, 6, 6).size(1), 8);  // a smaller block avoids it
}

TEST(CalibrationRegion, TimeAverageCountsOnlyFramesThatSampled) {
  at::Tensor k = at::ones({1, 3, 2, 2}, at::kComplexDouble);  // [C, T, Y, X]
  k[0][0][0][0] = 4;
  k[0][1][0][0] = 0;  // frame 1 did not sample (0, 0)
  k[0][2][0][0] = 2;
  const at::Tensor mean = time_average(k);
  EXPECT_NEAR(at::real(mean[0][0][0]).item<double>(), 3.0, 1e-12);  // (4 + 2) / 2
  EXPECT_NEAR(at::real(mean[0][1][1]).item<double>(), 1.0, 1e-12);
}

}  // namespace
}  // namespace melrecon::calib

// data.flip: the mirror about the centre index commutes with the centred FFT (even and odd
// sizes), so a flipped example is an exact acquisition of the flipped object with the flipped
// coils, for 3D volumes, cine series (maps broadcast over frames, time plainly reversed) and
// readout slabs in hybrid space (plainly reversed, no seam); the seed picks every combination of
// axes. (Training with flips: trainer_test.cpp.)
#include "train/random_flips.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <set>

#include "mri/fft.h"
#include "support/test_support.h"
#include "train/readout_slab.h"

namespace melrecon::train {
namespace {

TEST(RandomFlips, TheMirrorCommutesWithTheCentredFft) {
  for (int64_t n : {6, 7}) {
    const at::Tensor x = test_support::random_complex({2, n, 5}, 3);
    const at::Tensor a = mri::fftc(mirror_about_centre(x, -2), {-2, -1});
    const at::Tensor b = mirror_about_centre(mri::fftc(x, {-2, -1}), -2);
    EXPECT_LT(test_support::relative_error(a, b), 1e-13) << "size " << n;
    EXPECT_FALSE(at::equal(mirror_about_centre(x, -2), x)) << "size " << n;
    EXPECT_TRUE(at::equal(mirror_about_centre(mirror_about_centre(x, -2), -2), x)) << "size " << n;
  }
  // A broadcast axis (size 1, or missing) stays as it is.
  const at::Tensor row = test_support::random_complex({1, 5}, 4);
  EXPECT_TRUE(at::equal(mirror_about_centre(row, -2), row));
  EXPECT_TRUE(at::equal(mirror_about_centre(row, -3), row));
}

// `t` mirrored along the axes of *S (3 axes, the last dims) set in `bits`: about the centre along
// FFT axes, plainly reversed along the others.
at::Tensor mirrored(const at::Tensor& t, int bits, const std::vector<int64_t>& fft_axes) {
  at::Tensor out = t;
  for (int64_t a = 0; a < 3 && out.defined(); ++a) {
    if ((bits & (1 << a)) == 0 || out.size(a - 3) == 1) continue;
    const bool fft = std::find(fft_axes.begin(), fft_axes.end(), a) != fft_axes.end();
    out = fft ? mirror_about_centre(out, a - 3) : out.flip(a - 3);
  }
  return out;
}

// The axes `flipped` was mirrored along, as bits (axis 0 = bit 0), or -1 if none explain it.
int flip_pattern(const at::Tensor& flipped, const at::Tensor& original,
                 const std::vector<int64_t>& fft_axes) {
  for (int bits = 0; bits < 8; ++bits) {
    if (at::equal(mirrored(original, bits, fft_axes), flipped)) return bits;
  }
  return -1;
}

// For 64 seeds: the parts are mirrored along the same axes, k-space is still the FFT (over
// `fft_axes`) of maps times reference, the same seed gives the same flips, and every one of the
// 8 combinations occurs.
void expect_exact_flips(const data::LoadedExample& e, const std::vector<int64_t>& fft_axes) {
  std::vector<int64_t> dims;
  for (int64_t a : fft_axes) dims.push_back(a - 3);
  std::set<int> patterns;
  for (uint64_t seed = 0; seed < 64; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    const data::LoadedExample f = random_flips(e, fft_axes, seed);
    const int bits = flip_pattern(f.reference, e.reference, fft_axes);
    ASSERT_GE(bits, 0);
    patterns.insert(bits);
    EXPECT_TRUE(at::equal(f.maps, mirrored(e.maps, bits, fft_axes)));
    EXPECT_TRUE(at::equal(f.mask, mirrored(e.mask, bits, fft_axes)));
    EXPECT_LT(
        test_support::relative_error(f.kspace, mri::fftc(f.maps * f.reference.unsqueeze(1), dims)),
        1e-13);
    EXPECT_TRUE(at::equal(random_flips(e, fft_axes, seed).kspace, f.kspace));
  }
  EXPECT_EQ(patterns.size(), 8u);
}

// A noiseless example: random image [1, *S] and maps [1, 3, *maps_S], k-space their FFT over
// `fft_dims`, and a random mask [1, 1, *mask_S].
data::LoadedExample random_example(at::IntArrayRef image, at::IntArrayRef maps,
                                   at::IntArrayRef mask, at::IntArrayRef fft_dims) {
  data::LoadedExample e;
  e.reference = test_support::random_complex(image, 1);
  e.maps = test_support::random_complex(maps, 2);
  e.kspace = mri::fftc(e.maps * e.reference.unsqueeze(1), fft_dims);
  e.mask = test_support::random_mask(mask, 3);
  e.name = "example";
  return e;
}

TEST(RandomFlips, AFlippedVolumeIsAnExactAcquisitionOfTheFlippedObject) {
  expect_exact_flips(random_example({1, 4, 6, 5}, {1, 3, 4, 6, 5}, {1, 1, 4, 6, 1}, {-3, -2, -1}),
                     {0, 1, 2});
}

TEST(RandomFlips, AFlippedCineSeriesIsReversedInTimeWithMapsSharedByItsFrames) {
  // T, Y, X; one set of maps for every frame.
  expect_exact_flips(random_example({1, 6, 4, 5}, {1, 3, 1, 4, 5}, {1, 1, 6, 4, 1}, {-2, -1}),
                     {1, 2});
}

TEST(RandomFlips, AReadoutSlabIsReversedWithoutASeam) {
  // Even slab in hybrid space: its readout is an image axis, so the mirror is a plain reversal
  // (a centred one would put the slab's first position next to its last).
  const data::LoadedExample full =
      random_example({1, 4, 6, 10}, {1, 3, 4, 6, 10}, {1, 1, 4, 6, 1}, {-3, -2, -1});
  const SlabExample s = readout_slab(full, 4, {0, 1, 2}, 7);
  ASSERT_EQ(s.fft_axes, (std::vector<int64_t>{0, 1}));
  expect_exact_flips(s.example, s.fft_axes);
}

}  // namespace
}  // namespace melrecon::train

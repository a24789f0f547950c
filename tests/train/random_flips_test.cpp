// data.flip: the mirror about the centre index commutes with the centred FFT (even and odd
// sizes), so a flipped example is an exact acquisition of the flipped object with the flipped
// coils; the seed picks every combination of axes; a run with flips resumes bit for bit and
// trains differently from one without.
#include "train/random_flips.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <set>

#include "mri/fft.h"
#include "sim/simulate.h"
#include "support/test_support.h"
#include "train/checkpoint.h"
#include "train/trainer.h"

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

// The flipped axes of `flipped` against `original` as bits (Z, Y, X), or -1 when no
// combination of mirrors explains it.
int flip_pattern(const at::Tensor& flipped, const at::Tensor& original) {
  for (int bits = 0; bits < 8; ++bits) {
    at::Tensor t = original;
    for (int a = 0; a < 3; ++a) {
      if (bits & (1 << a)) t = mirror_about_centre(t, a - 3);
    }
    if (at::equal(t, flipped)) return bits;
  }
  return -1;
}

TEST(RandomFlips, AFlippedExampleIsAnExactAcquisitionOfTheFlippedObject) {
  data::LoadedExample e;
  e.reference = test_support::random_complex({1, 4, 6, 5}, 1);
  e.maps = test_support::random_complex({1, 3, 4, 6, 5}, 2);
  e.kspace = mri::fftc(e.maps * e.reference.unsqueeze(1), {-3, -2, -1});
  e.mask = (at::rand({1, 1, 4, 6, 1}, at::kDouble) > 0.5).to(at::kDouble);
  e.name = "example";
  std::set<int> patterns;
  for (uint64_t seed = 0; seed < 64; ++seed) {
    const data::LoadedExample f = random_flips(e, seed);
    const int bits = flip_pattern(f.reference, e.reference);
    ASSERT_GE(bits, 0) << "seed " << seed;
    patterns.insert(bits);
    EXPECT_LT(test_support::relative_error(
                  f.kspace, mri::fftc(f.maps * f.reference.unsqueeze(1), {-3, -2, -1})),
              1e-13)
        << "seed " << seed;
    EXPECT_EQ(flip_pattern(f.maps, e.maps), bits) << "seed " << seed;
    // The mask (broadcast along X) is mirrored along the same axes.
    at::Tensor mask = e.mask;
    for (int a = 0; a < 3; ++a) {
      if (bits & (1 << a)) mask = mirror_about_centre(mask, a - 3);
    }
    EXPECT_TRUE(at::equal(f.mask, mask)) << "seed " << seed;
    EXPECT_TRUE(at::equal(random_flips(e, seed).kspace, f.kspace)) << "seed " << seed;
  }
  EXPECT_EQ(patterns.size(), 8u);  // every combination of the three axes, none flipped included
}

TEST(RandomFlips, ARunWithFlipsResumesBitIdenticalAndTrainsOtherwise) {
  const std::string dir = test_support::temp_dir("random_flips_train");
  sim::simulate_dataset(
      sim::SimulateOptions(io::DataKind::image2d, {24, 20}).cases(3).coils(4).seed(3),
      dir + "/data");
  const auto config = [&](bool flip) {
    return load_config(
        "",
        {"data.train=\"" + dir + "/data\"", std::string("data.flip=") + (flip ? "true" : "false"),
         "model.unrolls=2", "model.cg_iters=4", "model.features=4", "model.layers=3",
         "optim.steps=6", "run.checkpoint_every=2", "run.val_every=3", "run.progress=false",
         "sampling.accel=3", "sampling.calib=4"});
  };
  train_model(config(true), TrainOptions().run_dir(dir + "/straight"));
  train_model(config(true), TrainOptions().run_dir(dir + "/interrupted").stop_after_steps(3));
  train_model(config(true), TrainOptions().run_dir(dir + "/interrupted").resume(true));
  train_model(config(false), TrainOptions().run_dir(dir + "/plain"));
  const auto cmp = [&](const std::string& a, const std::string& b) {
    return test_support::run_command("cmp -s " + dir + "/" + a + "/checkpoint.pt " + dir + "/" + b +
                                     "/checkpoint.pt")
        .exit_code;
  };
  EXPECT_EQ(cmp("straight", "interrupted"), 0);
  EXPECT_NE(cmp("straight", "plain"), 0);
}

}  // namespace
}  // namespace melrecon::train

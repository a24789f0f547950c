// data.slab: a slab of readout positions in hybrid space is an exact smaller problem. With the
// readout fully sampled, the full volume's Aᴴy and AᴴA restricted to the slab equal the slab's
// own (FFT over the other axes only); offsets follow the seed; masks that vary along the readout
// and slabs larger than the readout are refused; a 3D run trains on slabs.
#include "train/readout_slab.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "mri/sense_op.h"
#include "sim/simulate.h"
#include "support/expect_error.h"
#include "support/test_support.h"
#include "train/trainer.h"

namespace melrecon::train {
namespace {

// A random 3D example [1, C, Z, Y, X] in float64 with a mask over (Z, Y) only.
data::LoadedExample random_example(int64_t x) {
  at::manual_seed(5);
  const auto c = at::kComplexDouble;
  data::LoadedExample e;
  e.kspace = at::randn({1, 3, 6, 8, x}, c);
  e.maps = at::randn({1, 3, 6, 8, x}, c);
  e.reference = at::randn({1, 6, 8, x}, c);
  e.mask = test_support::random_mask({1, 1, 6, 8, 1}, 6);
  e.name = "example";
  return e;
}

int64_t offset_of(const SlabExample& s, const data::LoadedExample& full) {
  const int64_t slab = s.example.reference.size(-1);
  for (int64_t o = 0; o + slab <= full.reference.size(-1); ++o) {
    if (at::equal(full.reference.narrow(-1, o, slab), s.example.reference)) return o;
  }
  return -1;
}

TEST(ReadoutSlab, TheSlabIsTheFullProblemRestrictedToItsReadoutPositions) {
  const int64_t x = 10, slab = 4;
  const data::LoadedExample full = random_example(x);
  const SlabExample s = readout_slab(full, slab, {0, 1, 2}, 77);
  EXPECT_EQ(s.fft_axes, (std::vector<int64_t>{0, 1}));
  const int64_t o = offset_of(s, full);
  ASSERT_GE(o, 0);
  const mri::SenseOp whole(full.maps, full.mask, mri::SenseOptions().fft_axes({0, 1, 2}));
  const mri::SenseOp part(s.example.maps, s.example.mask, mri::SenseOptions().fft_axes(s.fft_axes));
  const at::Tensor y = full.kspace * full.mask;
  const at::Tensor y_slab = s.example.kspace * s.example.mask;
  EXPECT_TRUE(
      at::allclose(whole.adjoint(y).narrow(-1, o, slab), part.adjoint(y_slab), 1e-10, 1e-10));
  // AᴴA does not mix readout positions: an image inside the slab stays inside it.
  at::Tensor image = at::zeros({1, 6, 8, x}, at::kComplexDouble);
  const at::Tensor inside = at::randn({1, 6, 8, slab}, at::kComplexDouble);
  image.narrow(-1, o, slab).copy_(inside);
  const at::Tensor n = whole.normal(image);
  EXPECT_TRUE(at::allclose(n.narrow(-1, o, slab), part.normal(inside), 1e-10, 1e-10));
  EXPECT_LT(n.narrow(-1, 0, o).abs().max().item<double>() +
                n.narrow(-1, o + slab, x - o - slab).abs().max().item<double>(),
            1e-10);
}

TEST(ReadoutSlab, OffsetsFollowTheSeedAndCoverTheReadout) {
  const data::LoadedExample full = random_example(9);
  std::set<int64_t> offsets;
  for (uint64_t seed = 0; seed < 64; ++seed) {
    const int64_t o = offset_of(readout_slab(full, 3, {0, 1, 2}, seed), full);
    EXPECT_EQ(o, offset_of(readout_slab(full, 3, {0, 1, 2}, seed), full));
    offsets.insert(o);
  }
  EXPECT_EQ(offsets, (std::set<int64_t>{0, 1, 2, 3, 4, 5, 6}));
  // Already hybrid along the readout (X not an FFT axis): cropped, not transformed again.
  const SlabExample hybrid = readout_slab(full, 3, {0, 1}, 5);
  EXPECT_TRUE(at::equal(hybrid.example.kspace, full.kspace.narrow(-1, offset_of(hybrid, full), 3)));
}

TEST(ReadoutSlab, MasksAlongTheReadoutAndOversizedSlabsAreRefused) {
  data::LoadedExample full = random_example(8);
  test_support::expect_error<std::exception>(
      [&] {
        readout_slab(full, 9, {0, 1, 2}, 0);
      },
      "example", "8 readout positions");
  full.mask = test_support::random_mask({1, 1, 6, 8, 8}, 7);
  test_support::expect_error<std::exception>(
      [&] {
        readout_slab(full, 4, {0, 1, 2}, 0);
      },
      "example", "varies along it");
  test_support::expect_error<std::exception>([&] { readout_slab(random_example(8), 4, {2}, 0); },
                                             "example", "no axis");
}

TEST(ReadoutSlab, A3DRunTrainsOnSlabsAndValidatesWholeVolumes) {
  const std::string dir = test_support::temp_dir("readout_slab_train");
  sim::simulate_dataset(sim::SimulateOptions(io::DataKind::volume3d, {8, 16, 16}).cases(3).coils(2),
                        dir + "/data");
  const TrainConfig config = load_config(
      "", {"data.train=\"" + dir + "/data\"", "data.slab=4", "model.unrolls=2", "model.cg_iters=3",
           "model.features=4", "model.layers=3", "sampling.accel=2", "sampling.calib=4",
           "optim.steps=3", "run.val_every=3", "run.progress=false"});
  train_model(config, TrainOptions().run_dir(dir + "/run"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/run/checkpoint.pt"));
  const TrainConfig too_large =
      load_config("", {"data.train=\"" + dir + "/data\"", "data.slab=17", "optim.steps=1"});
  test_support::expect_error<std::exception>(
      [&] { train_model(too_large, TrainOptions().run_dir(dir + "/run2")); }, "'data.slab' is 17",
      "16 readout positions");
  test_support::expect_error<std::exception>(
      [&] {
        load_config("", {"data.slab=4", "sampling.pattern=\"2d-poisson\""});
      },
      "data.slab", "2d-poisson");
}

}  // namespace
}  // namespace melrecon::train

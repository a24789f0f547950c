// Simulated datasets: the forward model, the noise level, seeds, the written dataset, and
// objects from files (PNG, NIfTI with the Colin27 brain when installed, BART cfl).
#include "sim/simulate.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "core/config.h"
#include "core/error.h"
#include "io/nifti.h"
#include "io/png.h"
#include "mri/sense_op.h"
#include "sim/noise.h"
#include "sim/source_image.h"
#include "support/expect_error.h"
#include "support/nifti_writer.h"
#include "support/test_support.h"

namespace melrecon::sim {
namespace {

using io::DataKind;

struct KindShape {
  DataKind kind;
  std::vector<int64_t> shape;
  int64_t coils;
};

const std::vector<KindShape> kKinds = {{DataKind::image2d, {64, 48}, 4},
                                       {DataKind::volume3d, {16, 32, 24}, 8},
                                       {DataKind::cine, {16, 40, 40}, 4}};

at::Tensor noiseless(const SimulatedCase& c, DataKind kind) {
  const mri::SenseOp op(c.data.maps, at::Tensor(),
                        mri::SenseOptions().fft_axes(io::default_fft_axes(kind)));
  return op.forward(c.data.reference);
}

TEST(Simulate, KspaceIsTheSenseForwardModelPlusNoiseAtTheRequestedSnr) {
  for (const auto& k : kKinds) {
    const auto options = SimulateOptions(k.kind, k.shape).coils(k.coils).seed(3);
    const SimulatedCase clean = simulate_case(SimulateOptions(options).snr(0), 0);
    EXPECT_LT(test_support::relative_error(clean.data.kspace, noiseless(clean, k.kind)), 1e-6);

    for (double snr : {5.0, 40.0}) {
      const SimulatedCase c = simulate_case(SimulateOptions(options).snr(snr), 0);
      ASSERT_EQ(c.data.kspace.sizes()[1], k.coils);
      EXPECT_TRUE(at::equal(c.data.reference, clean.data.reference));  // same object stream
      const at::Tensor noise = c.data.kspace - noiseless(c, k.kind);
      const double sigma = noise.abs().pow(2).mean().sqrt().item<double>();
      const double measured = object_rms(c.data.reference) / sigma;
      EXPECT_NEAR(measured / snr, 1.0, 0.1) << core::choice_name(k.kind) << " SNR " << snr;
      EXPECT_NEAR(sigma / c.noise_sigma, 1.0, 0.05);
      // white, zero mean, equal real and imaginary parts
      EXPECT_NEAR(at::real(noise).var().item<double>() / at::imag(noise).var().item<double>(), 1.0,
                  0.1);
    }
  }
}

TEST(Simulate, ShapesPhaseAndMapsOfEachKind) {
  for (const auto& k : kKinds) {
    const SimulatedCase c = simulate_case(SimulateOptions(k.kind, k.shape).coils(k.coils), 1);
    std::vector<int64_t> image{1}, coil{1, k.coils};
    image.insert(image.end(), k.shape.begin(), k.shape.end());
    coil.insert(coil.end(), k.shape.begin(), k.shape.end());
    EXPECT_EQ(c.data.reference.sizes(), image);
    EXPECT_EQ(c.data.kspace.sizes(), coil);
    if (k.kind == DataKind::cine) coil[2] = 1;  // one set of maps for every frame
    EXPECT_EQ(c.data.maps.sizes(), coil);
    EXPECT_EQ(c.data.kspace.scalar_type(), at::kComplexFloat);
    EXPECT_LE(c.data.reference.abs().max().item<double>(), 1.6);
    EXPECT_LT((c.data.maps.abs().pow(2).sum(1).sqrt() - 1).abs().max().item<double>(), 1e-5);
    // A smooth but not constant phase on the object.
    const at::Tensor phase =
        at::angle(c.data.reference).masked_select(object_support(c.data.reference));
    EXPECT_GT(phase.std().item<double>(), 0.1) << core::choice_name(k.kind);
  }
  // Cine: maps (stored once) and phase are the same in every frame, the object is not.
  const SimulatedCase c = simulate_case(SimulateOptions(DataKind::cine, {16, 40, 40}).coils(2), 0);
  EXPECT_EQ(c.data.maps.size(2), 1);
  const at::Tensor x = c.data.reference[0];
  const at::Tensor both = (x[0].abs() > 0.2) & (x[7].abs() > 0.2);
  EXPECT_TRUE(at::allclose(at::angle(x[0]).masked_select(both), at::angle(x[7]).masked_select(both),
                           1e-5, 1e-5));
  EXPECT_FALSE(at::equal(x[0], x[7]));
}

TEST(Simulate, SeedsAndCasesGiveDistinctReproducibleData) {
  const auto o = SimulateOptions(DataKind::image2d, {32, 32}).coils(4).seed(10);
  const SimulatedCase a = simulate_case(o, 0);
  EXPECT_TRUE(at::equal(a.data.kspace, simulate_case(o, 0).data.kspace));
  EXPECT_FALSE(at::equal(a.data.reference, simulate_case(o, 1).data.reference));
  EXPECT_FALSE(
      at::equal(a.data.reference, simulate_case(SimulateOptions(o).seed(11), 0).data.reference));
}

TEST(Simulate, TheNoiseLevelIsTheSameWithAnyThreadCount) {
  // The noise level sums the object's energy; summed in parallel, its rounding (and so every
  // k-space sample of a dataset) would follow the machine's thread count.
  at::manual_seed(0);
  const int threads = at::get_num_threads();
  for (int64_t size = 40000; size < 400000; size = size * 5 / 4) {
    const at::Tensor object = at::rand({size});
    std::vector<double> rms;
    for (int t : {1, 2, 3, 4}) {
      at::set_num_threads(t);
      rms.push_back(object_rms(object));
    }
    EXPECT_EQ(std::set<double>(rms.begin(), rms.end()).size(), 1u) << size << " values";
  }
  at::set_num_threads(threads);
}

TEST(Simulate, WritesADatasetTheIoLayerReads) {
  const std::string dir = test_support::temp_dir("simulate_dataset");
  const auto o = SimulateOptions(DataKind::cine, {4, 24, 24}).cases(2).coils(3).snr(25).seed(1);
  simulate_dataset(o, dir);
  const io::DatasetInfo info = io::read_dataset_info(dir);
  EXPECT_EQ(info.kind, DataKind::cine);
  EXPECT_EQ(info.cases, (std::vector<std::string>{"case_0000", "case_0001"}));
  EXPECT_EQ(info.extra.at("generator"), "melrecon simulate");
  EXPECT_EQ(info.extra.at("simulation").at("seed"), 1);
  EXPECT_EQ(info.extra.at("simulation").at("noise_sigma").size(), 2u);
  const io::CaseData back = io::read_case(dir, "case_0001", info.kind);
  const SimulatedCase expected = simulate_case(o, 1);
  EXPECT_TRUE(at::equal(back.kspace, expected.data.kspace));
  EXPECT_TRUE(at::equal(back.maps, expected.data.maps));
  EXPECT_TRUE(at::equal(back.reference, expected.data.reference));
  EXPECT_FALSE(back.mask.defined());
}

void expect_usage_error(const SimulateOptions& o, const std::string& what) {
  test_support::expect_error<core::UsageError>([&] { validate(o); }, "simulate", what);
}

TEST(Simulate, BadOptionsAreUsageErrors) {
  expect_usage_error(SimulateOptions(DataKind::image2d, {32, 32, 32}), "needs 2 sizes (Y,X)");
  expect_usage_error(SimulateOptions(DataKind::volume3d, {4, 32, 32}), "size below 8");
  expect_usage_error(SimulateOptions(DataKind::cine, {20, 32, 32}).coils(0), "--coils");
  expect_usage_error(SimulateOptions(DataKind::image2d, {32, 32}).cases(0), "--cases");
  expect_usage_error(SimulateOptions(DataKind::image2d, {32, 32}).snr(-1), "--snr");
  EXPECT_NO_THROW(validate(SimulateOptions(DataKind::cine, {2, 8, 8})));
}

// The object follows the source file: the reference magnitude is the source fitted to the shape.
TEST(SimulateFromFiles, PngNiftiAndCflSources) {
  const std::string dir = test_support::temp_dir("simulate_sources");
  // A volume [z=6, y=20, x=10] (NIfTI x fastest) with a bright block in the middle.
  std::vector<float> voxels(6 * 20 * 10, 0.2f);
  for (int z = 1; z < 5; ++z)
    for (int y = 5; y < 15; ++y)
      for (int x = 3; x < 7; ++x) voxels[(z * 20 + y) * 10 + x] = 1.0f;
  test_support::NiftiSpec spec{{10, 20, 6}};
  spec.big_endian = true;
  test_support::write_file(dir + "/v.nii",
                           test_support::nifti_bytes(spec, test_support::raw_bytes(voxels)));

  const SimulatedCase v = simulate_case(
      SimulateOptions(DataKind::volume3d, {12, 40, 20}).coils(2).snr(0).source(dir + "/v.nii"), 0);
  const at::Tensor mag = v.data.reference[0].abs();
  EXPECT_NEAR(mag.max().item<double>(), 1.0, 1e-5);
  EXPECT_NEAR(mag[6][20][10].item<double>(), 1.0, 1e-5);  // the block (z 1-4), upsampled 2x
  EXPECT_NEAR(mag[0][0][0].item<double>(), 0.2, 1e-5);
  // A 2D case from the same volume takes an axial slice [y, x] of it from the central half.
  const SimulatedCase s = simulate_case(
      SimulateOptions(DataKind::image2d, {20, 10}).coils(2).snr(0).source(dir + "/v.nii"), 0);
  const at::Tensor slice = s.data.reference[0].abs();
  EXPECT_NEAR(slice[0][0].item<double>(), 0.2, 1e-5);
  EXPECT_NEAR(slice[10][5].item<double>(), 1.0, 1e-5);

  // A cine cfl source [T, Y, X] is resampled, not cropped, in time.
  const at::Tensor cine = test_support::random_complex({5, 16, 16}, 4).abs().to(at::kFloat) + 0.5;
  io::write_bart(dir + "/c", cine.unsqueeze(0), io::Role::image, DataKind::cine);
  const SimulatedCase c = simulate_case(
      SimulateOptions(DataKind::cine, {5, 16, 16}).coils(2).snr(0).source(dir + "/c"), 0);
  EXPECT_TRUE(at::allclose(c.data.reference[0].abs(), cine / cine.max(), 1e-5, 1e-5));

  // A 3D simulation from a 2D picture is refused, naming the file (a build without libpng
  // refuses the picture itself).
  if (!io::png_supported()) {
    test_support::expect_error<core::Error>([&] { io::write_png(dir + "/p.png", cine[0]); },
                                            dir + "/p.png", "libpng");
  } else {
    io::write_png(dir + "/p.png", test_support::random_complex({20, 30}, 5).abs().clamp_max(1));
    const SimulatedCase p = simulate_case(
        SimulateOptions(DataKind::image2d, {20, 30}).coils(2).snr(0).source(dir + "/p.png"), 0);
    EXPECT_NEAR(p.data.reference.abs().max().item<double>(), 1.0, 1e-5);
    test_support::expect_error<core::Error>(
        [&] {
          simulate_case(SimulateOptions(DataKind::volume3d, {8, 20, 30}).source(dir + "/p.png"), 0);
        },
        dir + "/p.png", "needs a 3D volume source");
  }
}

// NIfTI voxel y grows upwards (anterior for RAS data): its last y index is the top row.
TEST(SimulateFromFiles, NiftiYAxisPointsUp) {
  const std::string path = test_support::temp_dir("simulate_nifti_orientation") + "/y.nii";
  std::vector<float> voxels(20 * 10);
  for (int y = 0; y < 20; ++y)
    for (int x = 0; x < 10; ++x) voxels[y * 10 + x] = static_cast<float>(y);
  test_support::NiftiSpec spec{{10, 20}};
  test_support::write_file(path, test_support::nifti_bytes(spec, test_support::raw_bytes(voxels)));
  const SourceImage source = load_source(path);
  EXPECT_EQ(source.kind, DataKind::image2d);
  ASSERT_EQ(source.data.sizes(), (std::vector<int64_t>{20, 10}));
  EXPECT_EQ(source.data[0][0].item<float>(), 19.0f);
  EXPECT_EQ(source.data[19][9].item<float>(), 0.0f);
}

// Real anatomy offline: the Colin27 T1 brain of Debian's mricron-data (scripts/setup.sh).
TEST(SimulateFromFiles, Colin27BrainFromMricronData) {
  const std::string colin = "/usr/share/mricron/templates/ch2.nii.gz";
  if (!std::filesystem::exists(colin))
    GTEST_SKIP() << colin << " is absent (apt-get install mricron-data)";
  if (!io::nifti_gz_supported()) GTEST_SKIP() << "built without zlib: cannot read " << colin;
  const SimulatedCase v = simulate_case(
      SimulateOptions(DataKind::volume3d, {24, 32, 28}).coils(8).snr(30).source(colin), 0);
  const at::Tensor mag = v.data.reference[0].abs();
  const double head = (mag > 0.1).to(at::kFloat).mean().item<double>();
  EXPECT_GT(head, 0.2);  // a head fills a good part of the box, with background around it
  EXPECT_LT(head, 0.85);
  EXPECT_LT(mag[0][0][0].item<double>(), 0.05);
  const SimulatedCase s =
      simulate_case(SimulateOptions(DataKind::image2d, {64, 56}).coils(8).snr(30).source(colin), 3);
  EXPECT_GT((s.data.reference.abs() > 0.1).to(at::kFloat).mean().item<double>(), 0.2);
}

}  // namespace
}  // namespace melrecon::sim

// Training directly on fastMRI multicoil files (written here with the HDF5 C API): every slice
// is an example in melrecon's orientation, ESPIRiT maps are estimated once and reused from
// .melrecon-maps/, training and evaluation run on the folder, and bad inputs are one-line
// errors naming the path.
#include "core/config.h"

#if MELRECON_HAVE_HDF5
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "data/example_source.h"
#include "eval/evaluation.h"
#include "eval/trained_model.h"
#include "io/bart_layout.h"
#include "io/hdf5_writer.h"
#include "io/reader_errors.h"
#include "sim/simulate.h"
#include "support/test_support.h"
#include "train/trainer.h"

namespace melrecon::train {
namespace {
namespace fs = std::filesystem;

const std::string kHeader = "<?xml version=\"1.0\"?><ismrmrdHeader>test</ismrmrdHeader>";
constexpr int64_t kSlices = 3;
// melrecon [Y, X]: 20 phase encodings, 24 readout samples.
const std::vector<int64_t> kShape{20, 24};
const std::vector<std::string> kStems{"file_a", "file_b"};

// One simulated object per slice, in melrecon's layout [slices, 4 coils, Y, X].
sim::SimulateOptions slice_options(uint64_t seed) {
  return sim::SimulateOptions(io::DataKind::image2d, kShape).coils(4).cases(kSlices).seed(seed);
}

at::Tensor simulated(uint64_t seed, bool reference = false) {
  std::vector<at::Tensor> slices;
  for (int64_t s = 0; s < kSlices; ++s) {
    const io::CaseData c = sim::simulate_case(slice_options(seed), s).data;
    slices.push_back(reference ? c.reference : c.kspace);
  }
  return at::cat(slices, 0);
}

// <test dir>/h5/file_a.h5, file_b.h5, stored as fastMRI does: [slices, coils, readout, phase].
std::string write_fastmri_folder(const std::string& test) {
  const std::string dir = test_support::temp_dir(test) + "/h5";
  fs::create_directories(dir);
  for (size_t i = 0; i < kStems.size(); ++i) {
    test_support::write_fastmri(dir + "/" + kStems[i] + ".h5", simulated(i + 1).transpose(2, 3),
                                kHeader);
  }
  return dir;
}

std::string cached_maps(const std::string& dir, const std::string& stem, int64_t slice) {
  return dir + "/.melrecon-maps/" + stem + "/slice_000" + std::to_string(slice);
}

std::vector<data::LoadedExample> load_all(data::ExampleSource& source) {
  std::vector<data::LoadedExample> out;
  for (const data::ExampleRef& ref : source.examples({0, 1})) out.push_back(source.load(ref));
  return out;
}

TEST(FastmriSource, EverySliceIsAnExampleWithThePhaseEncodingOnY) {
  const std::string dir = write_fastmri_folder("fastmri_source_list");
  data::ExampleSource source(dir);
  EXPECT_EQ(source.kind(), io::DataKind::image2d);
  EXPECT_EQ(source.case_names(), kStems);
  EXPECT_EQ(source.spatial_shape(), kShape);
  EXPECT_EQ(source.fft_axes(), (std::vector<int64_t>{0, 1}));
  const std::vector<data::ExampleRef> refs = source.examples({0, 1});
  ASSERT_EQ(refs.size(), 6u);
  for (const data::ExampleRef& ref : refs) {
    const data::LoadedExample e = source.load(ref);
    const at::Tensor written = simulated(ref.case_index + 1).narrow(0, ref.batch_index, 1);
    EXPECT_TRUE(at::equal(e.kspace, written.to(at::kComplexFloat))) << e.name;
    EXPECT_EQ(e.maps.sizes(), e.kspace.sizes());
    EXPECT_FALSE(e.mask.defined());
    EXPECT_EQ(e.name, kStems[ref.case_index] + "[" + std::to_string(ref.batch_index) + "]");
    // The coil combination with the estimated maps recovers the object's magnitude (measured:
    // 2-3% relative error over the object, noise included).
    const at::Tensor truth =
        simulated(ref.case_index + 1, true).narrow(0, ref.batch_index, 1).abs().to(at::kFloat);
    const at::Tensor object = truth > 0.1 * truth.max();
    EXPECT_LT(test_support::relative_error(e.reference.abs().masked_select(object),
                                           truth.masked_select(object)),
              0.05)
        << e.name;
  }
  // A single file is a source of its own.
  data::ExampleSource one(dir + "/file_b.h5");
  EXPECT_EQ(one.case_names(), std::vector<std::string>{"file_b"});
  ASSERT_EQ(one.examples({0}).size(), 3u);
  EXPECT_TRUE(
      at::equal(one.load({0, 2}).kspace, simulated(2).narrow(0, 2, 1).to(at::kComplexFloat)));
}

TEST(FastmriSource, MapsAreEstimatedOnceAndReadBackNextTime) {
  const std::string dir = write_fastmri_folder("fastmri_source_maps");
  data::ExampleSource first(dir);
  const std::vector<data::LoadedExample> estimated = load_all(first);
  std::vector<fs::file_time_type> written;
  for (size_t c = 0; c < kStems.size(); ++c) {
    for (int64_t s = 0; s < kSlices; ++s) {
      const std::string base = cached_maps(dir, kStems[c], s);
      ASSERT_TRUE(fs::exists(base + ".cfl") && fs::exists(base + ".hdr")) << base;
      EXPECT_TRUE(at::equal(io::read_bart(base, io::Role::maps, io::DataKind::image2d),
                            estimated[c * kSlices + s].maps));
      written.push_back(fs::last_write_time(base + ".cfl"));
    }
  }
  // A second run reads the maps and writes nothing.
  data::ExampleSource second(dir);
  const std::vector<data::LoadedExample> again = load_all(second);
  for (size_t i = 0; i < again.size(); ++i) {
    EXPECT_TRUE(at::equal(again[i].maps, estimated[i].maps)) << again[i].name;
    EXPECT_TRUE(at::equal(again[i].reference, estimated[i].reference)) << again[i].name;
    EXPECT_EQ(fs::last_write_time(cached_maps(dir, kStems[i / kSlices], i % kSlices) + ".cfl"),
              written[i]);
  }
  // What is read is the cache itself: maps changed there (by a global phase) come back as they
  // are, and the reference follows them.
  const std::string base = cached_maps(dir, "file_a", 1);
  const c10::complex<double> phase(std::cos(0.5), std::sin(0.5)), back(phase.real(), -phase.imag());
  const at::Tensor rotated = estimated[1].maps * phase;
  io::write_bart(base, rotated, io::Role::maps, io::DataKind::image2d);
  data::ExampleSource third(dir);
  const data::LoadedExample e = third.load({0, 1});
  EXPECT_TRUE(at::equal(e.maps, rotated));
  EXPECT_LT(test_support::relative_error(e.reference, estimated[1].reference * back), 1e-5);
}

TEST(FastmriSource, WithoutAWritableCacheFolderMapsStayInMemory) {
  const std::string dir = write_fastmri_folder("fastmri_source_memory");
  std::ofstream(dir + "/.melrecon-maps") << "in the way\n";  // the folder cannot be created
  data::ExampleSource source(dir);
  const data::LoadedExample a = source.load({1, 2});
  const data::LoadedExample b = source.load({1, 2});
  EXPECT_EQ(a.maps.sizes(), a.kspace.sizes());
  EXPECT_TRUE(a.maps.is_same(b.maps));  // held, not estimated again
  EXPECT_TRUE(fs::is_regular_file(dir + "/.melrecon-maps"));
}

TEST(FastmriSource, TrainsAndEvaluatesOnTheFolder) {
  const std::string dir = write_fastmri_folder("fastmri_source_train");
  const std::string run = fs::path(dir).parent_path().string() + "/run";
  const TrainConfig config =
      load_config("", {"data.train=\"" + dir + "\"", "model.unrolls=2", "model.cg_iters=4",
                       "model.features=4", "model.layers=3", "optim.steps=4", "run.val_every=2",
                       "run.progress=false", "sampling.accel=3", "sampling.calib=4"});
  const TrainSummary summary = train_model(config, TrainOptions().run_dir(run));
  EXPECT_EQ(summary.steps, 4);
  EXPECT_TRUE(std::isfinite(summary.last_loss));
  EXPECT_TRUE(std::isfinite(summary.val_psnr));  // file_b's slices validate

  eval::TrainedModel trained = eval::load_trained_model(run, c10::kCPU);
  const auto options = eval::EvalOptions()
                           .data(dir)
                           .baselines(std::vector<eval::Baseline>{eval::Baseline::zero_filled,
                                                                  eval::Baseline::cg_sense})
                           .sampling(trained.config.sampling)
                           .max_examples(2);
  const eval::EvalReport report = eval::evaluate(options, &trained);
  ASSERT_EQ(report.methods.size(), 3u);
  for (const eval::MethodScores& m : report.methods) {
    ASSERT_EQ(m.psnr.size(), 2u) << m.method;
    for (double p : m.psnr) EXPECT_TRUE(std::isfinite(p)) << m.method;
  }
  EXPECT_GT(report.find("cg-sense")->psnr[0], report.find("zero-filled")->psnr[0]);
}

TEST(FastmriSource, BadInputsAreOneLineErrorsNamingThePath) {
  const std::string root = test_support::temp_dir("fastmri_source_errors");
  const auto open = [](const std::string& path) { return [path] { data::ExampleSource s(path); }; };

  // A missing .h5 file is a missing file, not a missing dataset folder.
  EXPECT_NE(
      test_support::reader_error(root + "/none.h5", open(root + "/none.h5")).find("no such file"),
      std::string::npos);

  fs::create_directories(root + "/empty");
  EXPECT_NE(test_support::reader_error(root + "/empty", open(root + "/empty")).find("neither"),
            std::string::npos);

  // The reader's own errors (tests/io/fastmri_h5_test.cpp) come through as they are.
  fs::create_directories(root + "/corrupt");
  test_support::write_fastmri(root + "/corrupt/good.h5", simulated(1).transpose(2, 3), kHeader);
  std::ofstream(root + "/corrupt/text.h5") << "not HDF5\n";
  EXPECT_NE(test_support::reader_error(root + "/corrupt/text.h5", open(root + "/corrupt"))
                .find("not an HDF5 file"),
            std::string::npos);

  at::Tensor bad = simulated(1).transpose(2, 3).contiguous();
  bad[1][0][3][3] = std::numeric_limits<double>::quiet_NaN();
  test_support::write_fastmri(root + "/nan.h5", bad, kHeader);
  data::ExampleSource source(root + "/nan.h5");
  EXPECT_NE(test_support::reader_error(root + "/nan.h5",
                                       [&] {
                                         source.load({0, 1});
                                       })
                .find("'kspace' slice 1: contains 1 non-finite"),
            std::string::npos);
}

}  // namespace
}  // namespace melrecon::train
#endif  // MELRECON_HAVE_HDF5

// `melrecon train` and `eval` on fastMRI files through the command line: a short run on a folder
// of .h5 files evaluated on one of them, and bad files reported in one line naming the file, with
// no run folder left behind.
#include "core/config.h"

#if MELRECON_HAVE_HDF5
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "app/cli_errors.h"
#include "io/dataset.h"
#include "io/hdf5_writer.h"
#include "support/test_support.h"

namespace melrecon {
namespace {

using test_support::run_melrecon;
namespace fs = std::filesystem;

const std::string kFastmriHeader = "<?xml version=\"1.0\"?><ismrmrdHeader>cli</ismrmrdHeader>";
const char* kFastmriTrainArgs =
    " --steps 3 --set model.unrolls=2 --set model.cg_iters=4 --set model.features=4"
    " --set model.layers=3 --set sampling.accel=3 --set sampling.calib=4 --set run.progress=false";

// `path`: two simulated slices (melrecon [Y, X] = [20, 24]) stored as fastMRI does,
// [slices, coils, readout, phase].
void write_simulated_fastmri(const std::string& path, int seed) {
  const std::string sim = path + ".sim";
  ASSERT_EQ(run_melrecon("simulate --kind 2d --shape 20,24 --cases 2 --coils 4 --seed " +
                         std::to_string(seed) + " --out " + sim)
                .exit_code,
            0);
  std::vector<at::Tensor> slices;
  for (const char* name : {"case_0000", "case_0001"}) {
    slices.push_back(io::read_case(sim, name, io::DataKind::image2d).kspace);
  }
  test_support::write_fastmri(path, at::cat(slices, 0).transpose(2, 3), kFastmriHeader);
}

TEST(FastmriCli, TrainsOnAFolderAndEvaluatesOnAFile) {
  const std::string d = test_support::temp_dir("fastmri_cli_train");
  fs::create_directories(d + "/h5");
  write_simulated_fastmri(d + "/h5/a.h5", 1);
  write_simulated_fastmri(d + "/h5/b.h5", 2);

  const auto train =
      run_melrecon("train --data " + d + "/h5 --run " + d + "/run" + kFastmriTrainArgs);
  ASSERT_EQ(train.exit_code, 0) << train.output;
  EXPECT_TRUE(fs::exists(d + "/run/checkpoint.pt"));
  EXPECT_TRUE(fs::exists(d + "/h5/.melrecon-maps/a/slice_0000.hdr")) << "maps not cached";

  const auto eval = run_melrecon("eval --data " + d + "/h5/b.h5 --model " + d +
                                 "/run --methods zero-filled,cg-sense,modl");
  ASSERT_EQ(eval.exit_code, 0) << eval.output;
  EXPECT_NE(eval.output.find("b.h5 (2 examples)"), std::string::npos) << eval.output;
  for (const char* m : {"| zero-filled", "| cg-sense", "| modl"}) {
    EXPECT_NE(eval.output.find(m), std::string::npos) << eval.output;
  }
}

TEST(FastmriCli, BadFilesAreOneLineErrorsNamingTheFile) {
  const std::string d = test_support::temp_dir("fastmri_cli_errors");
  { const auto file = test_support::create_hdf5(d + "/other.h5"); }  // HDF5, but no 'kspace'
  {
    const auto file = test_support::create_hdf5(d + "/rank3.h5");
    test_support::write_complex(file.get(), "kspace", test_support::random_complex({4, 24, 20}, 1));
  }
  for (const auto& [name, what] :
       std::vector<std::pair<std::string, std::string>>{{"none.h5", "no such file"},
                                                        {"other.h5", "no dataset 'kspace'"},
                                                        {"rank3.h5", "rank 3"}}) {
    const std::string file = d + "/" + name;
    test_support::expect_one_line_error(
        run_melrecon("train --data " + file + " --run " + d + "/run" + kFastmriTrainArgs), 1, file,
        what);
    EXPECT_FALSE(fs::exists(d + "/run")) << "a failed start left a run behind";
    test_support::expect_one_line_error(run_melrecon("eval --data " + file + " --accel 2"), 1, file,
                                        what);
  }
}

}  // namespace
}  // namespace melrecon
#endif  // MELRECON_HAVE_HDF5

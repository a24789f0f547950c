// `melrecon mask` and `melrecon simulate` end to end: outputs, help, and bad inputs.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "io/bart_layout.h"
#include "io/dataset.h"
#include "support/test_support.h"

namespace melrecon {
namespace {

using test_support::run_melrecon;

// Fails with a non-zero exit code and one line that contains `what`.
void expect_one_line_error(const std::string& args, const std::string& what) {
  const auto r = run_melrecon(args);
  EXPECT_NE(r.exit_code, 0) << args;
  EXPECT_NE(r.output.find(what), std::string::npos) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
}

TEST(MaskCli, WritesMasksAndPrintsTheirAcceleration) {
  const std::string d = test_support::temp_dir("cli_mask");
  const auto r = run_melrecon("mask --kind 2d-lines --shape 64,32 --accel 4 --calib 8 --seed 1 " +
                              d + "/lines");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("R = 4 (requested 4), 16 of 64"), std::string::npos) << r.output;
  const at::Tensor lines = io::read_bart(d + "/lines", io::Role::mask, io::DataKind::image2d);
  EXPECT_EQ(lines.sizes(), (std::vector<int64_t>{1, 1, 64, 1}));
  EXPECT_EQ(at::real(lines).sum().item<double>(), 16);

  ASSERT_EQ(
      run_melrecon("mask --kind 3d --shape 48,64,16 --accel 6 --calib 12 --elliptical " + d + "/m3")
          .exit_code,
      0);
  const at::Tensor m3 = io::read_bart(d + "/m3", io::Role::mask, io::DataKind::volume3d);
  EXPECT_EQ(m3.sizes(), (std::vector<int64_t>{1, 1, 48, 64, 1}));
  EXPECT_NEAR(m3.numel() / at::real(m3).sum().item<double>() / 6, 1.0, 0.05);

  const auto help = run_melrecon("mask --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("k-space locations / sampled locations"), std::string::npos);
}

// Each rule is tested on the library (tests/sampling); here that the CLI reports them as one
// line with a non-zero exit and writes nothing (every run loads LibTorch: keep them few).
TEST(MaskCli, BadInputsGiveOneLineErrors) {
  const std::string d = test_support::temp_dir("cli_mask_bad");
  expect_one_line_error("mask --kind 3d --shape 48,abc,16 " + d + "/m", "--shape '48,abc,16'");
  expect_one_line_error("mask --kind 2d-poisson --shape 64,64 --accel 80 " + d + "/m",
                        "outside [1, 64]");
  EXPECT_FALSE(std::filesystem::exists(d + "/m.cfl"));
}

TEST(SimulateCli, WritesADataset) {
  const std::string d = test_support::temp_dir("cli_simulate") + "/data";
  const auto r = run_melrecon(
      "simulate --kind 2d --shape 32,24 --cases 2 --coils 4 --snr 20 "
      "--seed 5 --out " +
      d);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const io::DatasetInfo info = io::read_dataset_info(d);
  EXPECT_EQ(info.cases.size(), 2u);
  EXPECT_EQ(info.extra.at("simulation").at("coils"), 4);
  const io::CaseData c = io::read_case(d, "case_0001", info.kind);
  EXPECT_EQ(c.kspace.sizes(), (std::vector<int64_t>{1, 4, 32, 24}));
  EXPECT_TRUE(c.maps.defined() && c.reference.defined());

  const auto help = run_melrecon("simulate --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("SNR = rms |x| over the object"), std::string::npos);
}

TEST(SimulateCli, AnExistingDatasetIsRefusedOrReplacedWhole) {
  const std::string d = test_support::temp_dir("cli_simulate_existing") + "/data";
  const std::string big =
      "simulate --kind 2d --shape 32,24 --cases 3 --coils 4 --seed 5 --out " + d;
  ASSERT_EQ(run_melrecon(big).exit_code, 0);
  const io::CaseData before = io::read_case(d, "case_0000", io::DataKind::image2d);
  // A second, different dataset into the same folder: refused, the first untouched.
  const std::string other =
      "simulate --kind 2d --shape 32,24 --cases 1 --coils 4 --seed 6 --out " + d;
  expect_one_line_error(other, d + ": exists and is not empty");
  EXPECT_TRUE(
      at::equal(io::read_case(d, "case_0000", io::DataKind::image2d).kspace, before.kspace));
  // With --overwrite it replaces the folder whole: one case, its own maps and reference.
  const auto r = run_melrecon(other + " --overwrite");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(io::read_dataset_info(d).cases.size(), 1u);
  EXPECT_FALSE(std::filesystem::exists(d + "/case_0001"));
  const io::CaseData after = io::read_case(d, "case_0000", io::DataKind::image2d);
  EXPECT_FALSE(at::equal(after.maps, before.maps));
}

TEST(SimulateCli, BadInputsGiveOneLineErrors) {
  const std::string d = test_support::temp_dir("cli_simulate_bad");
  expect_one_line_error("simulate --kind 3d --shape 32,32 --out " + d + "/a", "needs 3 sizes");
  expect_one_line_error(
      "simulate --kind 2d --shape 32,32 --source " + d + "/none.nii --out " + d + "/a",
      d + "/none.nii: cannot open");
  EXPECT_FALSE(std::filesystem::exists(d + "/a/dataset.json"));
}

}  // namespace
}  // namespace melrecon

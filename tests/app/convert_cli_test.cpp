// `melrecon convert` end to end: fastMRI and ISMRMRD files into a dataset folder (values,
// provenance, sidecar files), and bad inputs reported in one line naming the file.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <fstream>

#include "app/cli_errors.h"
#include "core/config.h"
#include "io/dataset.h"
#include "io/raw_convert.h"
#include "support/test_support.h"

#if MELRECON_HAVE_HDF5
#include "io/hdf5_writer.h"
#endif
#if MELRECON_HAVE_ISMRMRD
#include "io/ismrmrd_h5.h"
#endif

namespace melrecon {
namespace {

using test_support::run_command;
using test_support::run_melrecon;

const std::string kHeader = "<?xml version=\"1.0\"?><ismrmrdHeader>convert</ismrmrdHeader>";

TEST(ConvertCli, AvailableFormatsFollowTheBuild) {
  EXPECT_EQ(io::raw_format_available(io::RawFormat::fastmri), bool(MELRECON_HAVE_HDF5));
  EXPECT_EQ(io::raw_format_available(io::RawFormat::ismrmrd), bool(MELRECON_HAVE_ISMRMRD));
}

#if !(MELRECON_HAVE_HDF5 && MELRECON_HAVE_ISMRMRD)
// Only in builds without one of the optional libraries.
TEST(ConvertCli, AFormatMissingFromTheBuildIsReported) {
  const std::string d = test_support::temp_dir("convert_unavailable");
  const std::string format = MELRECON_HAVE_HDF5 ? "ismrmrd" : "fastmri";
  std::ofstream(d + "/in.h5") << "x";
  test_support::expect_one_line_error(
      run_melrecon("convert " + d + "/in.h5 " + d + "/out --format " + format), 1, d + "/in.h5",
      "cannot be read by this build");
}
#endif

#if MELRECON_HAVE_HDF5
TEST(ConvertCli, FastmriFilesBecomeCases) {
  const std::string d = test_support::temp_dir("convert_fastmri");
  const at::Tensor k0 = test_support::random_complex({3, 4, 12, 10}, 1, at::kComplexFloat);
  const at::Tensor k1 = test_support::random_complex({2, 4, 12, 8}, 2, at::kComplexFloat);
  const at::Tensor rss = at::rand({3, 6, 6});
  test_support::write_fastmri(d + "/a.h5", k0, kHeader, rss);
  test_support::write_fastmri(d + "/b.h5", k1, kHeader);
  const auto r = run_melrecon("convert " + d + "/a.h5 " + d + "/b.h5 " + d + "/ds");
  ASSERT_EQ(r.exit_code, 0) << r.output;

  const io::DatasetInfo info = io::read_dataset_info(d + "/ds");
  EXPECT_EQ(info.kind, io::DataKind::image2d);
  ASSERT_EQ(info.cases, (std::vector<std::string>{"case_0000", "case_0001"}));
  // The files' [slices, coils, readout, phase] become [B, C, Y = phase, X = readout].
  for (const auto& [name, k] : {std::pair{"case_0000", k0}, std::pair{"case_0001", k1}}) {
    EXPECT_TRUE(at::equal(io::read_case(d + "/ds", name, info.kind).kspace, k.transpose(2, 3)));
  }
  const auto& sources = info.extra.at("sources");
  ASSERT_EQ(sources.size(), 2u);
  EXPECT_EQ(sources[0].at("format"), "fastmri");
  EXPECT_NE(sources[1].at("file").get<std::string>().find("b.h5"), std::string::npos);
  // Sidecars: the XML header verbatim, fastMRI's RSS image as a BART image.
  std::ifstream xml(d + "/ds/case_0000/header.xml");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(xml), {}), kHeader);
  const at::Tensor rss_back =
      io::read_bart(d + "/ds/case_0000/reconstruction_rss", io::Role::image, io::DataKind::image2d);
  EXPECT_TRUE(at::equal(at::real(rss_back), rss.transpose(1, 2)));
  EXPECT_FALSE(std::filesystem::exists(d + "/ds/case_0001/reconstruction_rss.cfl"));
}

TEST(ConvertCli, BadInputsAreOneLineErrorsNamingTheFile) {
  const std::string d = test_support::temp_dir("convert_errors");
  const auto convert = [&](const std::string& in, const std::string& extra = "") {
    return run_melrecon("convert " + in + " " + d + "/ds" + extra);
  };
  test_support::expect_one_line_error(convert(d + "/none.h5"), 1, d + "/none.h5", "no such file");
  std::ofstream(d + "/text.h5") << "not HDF5\n";
  test_support::expect_one_line_error(convert(d + "/text.h5"), 1, d + "/text.h5",
                                      "not an HDF5 file");
  test_support::write_fastmri(d + "/good.h5", test_support::random_complex({2, 2, 32, 32}, 3),
                              kHeader);
  test_support::truncated_copy(d + "/good.h5", d + "/cut.h5", 0.5);
  test_support::expect_one_line_error(convert(d + "/cut.h5"), 1, d + "/cut.h5", "truncated");
  { const auto file = test_support::create_hdf5(d + "/empty.h5"); }
  test_support::expect_one_line_error(convert(d + "/empty.h5"), 1, d + "/empty.h5", "neither");
  test_support::expect_one_line_error(convert(d + "/empty.h5", " --format fastmri"), 1,
                                      d + "/empty.h5", "no dataset 'kspace'");
  {
    const auto file = test_support::create_hdf5(d + "/rank3.h5");
    test_support::write_complex(file.get(), "kspace", test_support::random_complex({2, 4, 4}, 4));
  }
  test_support::expect_one_line_error(convert(d + "/rank3.h5"), 1, d + "/rank3.h5", "rank 3");
  // Usage: an unknown format, no output folder.
  EXPECT_EQ(convert(d + "/good.h5", " --format dicom").exit_code, 2);
  EXPECT_EQ(run_melrecon("convert " + d + "/good.h5").exit_code, 2);
}
#endif

#if MELRECON_HAVE_ISMRMRD
bool have_shepp_logan_tool() {
  return run_command("command -v ismrmrd_generate_cartesian_shepp_logan").exit_code == 0;
}

TEST(ConvertCli, IsmrmrdFilesBecomeCasesAndKindsMustAgree) {
  if (!have_shepp_logan_tool()) GTEST_SKIP() << "ismrmrd-tools is not installed";
  const std::string d = test_support::temp_dir("convert_ismrmrd");
  ASSERT_EQ(
      run_command("ismrmrd_generate_cartesian_shepp_logan -m 32 -c 2 -o " + d + "/sl.h5").exit_code,
      0);
  const auto r = run_melrecon("convert " + d + "/sl.h5 " + d + "/ds");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const io::DatasetInfo info = io::read_dataset_info(d + "/ds");
  EXPECT_EQ(info.kind, io::DataKind::image2d);
  EXPECT_EQ(info.extra.at("sources")[0].at("format"), "ismrmrd");
  EXPECT_TRUE(at::equal(io::read_case(d + "/ds", "case_0000", info.kind).kspace,
                        io::read_ismrmrd(d + "/sl.h5").kspace));
  EXPECT_TRUE(std::filesystem::exists(d + "/ds/case_0000/header.xml"));

  // Two repetitions make a cine series: it cannot join a 2D dataset.
  ASSERT_EQ(
      run_command("ismrmrd_generate_cartesian_shepp_logan -m 32 -c 2 -r 2 -o " + d + "/cine.h5")
          .exit_code,
      0);
  test_support::expect_one_line_error(
      run_melrecon("convert " + d + "/sl.h5 " + d + "/cine.h5 " + d + "/mixed"), 1, d + "/cine.h5",
      "a dataset has one kind");
}
#endif

}  // namespace
}  // namespace melrecon

// The fastMRI reader on files written here with the HDF5 C API: exact values (whole file and
// one slice, readout and phase axes swapped), the header and RSS image, other member names and
// widths, and one-line errors.
#include "core/config.h"

#if MELRECON_HAVE_HDF5
#include "io/fastmri_h5.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <fstream>

#include "io/hdf5_writer.h"
#include "io/reader_errors.h"
#include "support/test_support.h"

namespace melrecon::io {
namespace {

const std::string kHeader = "<?xml version=\"1.0\"?><ismrmrdHeader>fastMRI test</ismrmrdHeader>";

TEST(FastmriH5, ReadsWhatWasWritten) {
  const std::string path = test_support::temp_dir("fastmri_read") + "/file.h5";
  const at::Tensor kspace = test_support::random_complex({3, 4, 10, 8}, 1, at::kComplexFloat);
  const at::Tensor rss = at::rand({3, 6, 6});
  test_support::write_fastmri(path, kspace, kHeader, rss);

  // Stored [slices, coils, readout, phase]; read with the phase encoding on Y, the readout on X.
  const FastmriFile file(path);
  EXPECT_EQ(file.kspace_shape(), (std::vector<int64_t>{3, 4, 10, 8}));
  EXPECT_EQ(file.shape(), (std::vector<int64_t>{3, 4, 8, 10}));
  EXPECT_EQ(file.num_slices(), 3);
  EXPECT_TRUE(at::equal(file.read_kspace(), kspace.transpose(2, 3)));
  EXPECT_TRUE(at::equal(file.read_slice(2), kspace.narrow(0, 2, 1).transpose(2, 3)));
  EXPECT_EQ(file.ismrmrd_header(), kHeader);
  EXPECT_TRUE(at::equal(file.reconstruction_rss(), rss.transpose(1, 2)));
}

TEST(FastmriH5, OtherMemberNamesWidthsAndStringKinds) {
  const std::string dir = test_support::temp_dir("fastmri_variants");
  const at::Tensor kspace = test_support::random_complex({2, 2, 4, 6}, 2);  // complex128
  {
    const auto file = test_support::create_hdf5(dir + "/f.h5");
    test_support::write_complex(file.get(), "kspace", kspace, "real", "imag", /*doubles=*/true);
    test_support::write_string(file.get(), "ismrmrd_header", kHeader, /*variable=*/false);
  }
  const FastmriFile file(dir + "/f.h5");
  EXPECT_LT(test_support::relative_error(file.read_kspace().to(at::kComplexDouble),
                                         kspace.transpose(2, 3)),
            1e-7);
  EXPECT_EQ(file.ismrmrd_header(), kHeader);
  EXPECT_FALSE(file.reconstruction_rss().defined());
  // UTF-8 strings, variable or fixed length (h5py's default for str).
  for (const bool variable : {true, false}) {
    const std::string path = dir + (variable ? "/utf8_variable.h5" : "/utf8_fixed.h5");
    {
      const auto f = test_support::create_hdf5(path);
      test_support::write_complex(f.get(), "kspace", kspace, "real", "imag", true);
      test_support::write_string(f.get(), "ismrmrd_header", kHeader, variable, /*utf8=*/true);
    }
    EXPECT_EQ(FastmriFile(path).ismrmrd_header(), kHeader) << path;
  }
}

TEST(FastmriH5, BadFilesAreOneLineErrorsNamingTheFile) {
  const std::string dir = test_support::temp_dir("fastmri_errors");
  const auto open = [](const std::string& p) { return [p] { FastmriFile f(p); }; };
  EXPECT_NE(
      test_support::reader_error(dir + "/none.h5", open(dir + "/none.h5")).find("no such file"),
      std::string::npos);

  std::ofstream(dir + "/text.h5") << "not an HDF5 file\n";
  EXPECT_NE(
      test_support::reader_error(dir + "/text.h5", open(dir + "/text.h5")).find("not an HDF5 file"),
      std::string::npos);

  test_support::write_fastmri(dir + "/good.h5", test_support::random_complex({2, 3, 32, 32}, 3),
                              kHeader);
  test_support::truncated_copy(dir + "/good.h5", dir + "/cut.h5", 0.5);
  EXPECT_NE(test_support::reader_error(dir + "/cut.h5", open(dir + "/cut.h5")).find("truncated"),
            std::string::npos);

  {
    const auto file = test_support::create_hdf5(dir + "/no_kspace.h5");
    test_support::write_string(file.get(), "ismrmrd_header", kHeader);
  }
  EXPECT_NE(test_support::reader_error(dir + "/no_kspace.h5", open(dir + "/no_kspace.h5"))
                .find("no dataset 'kspace'"),
            std::string::npos);

  {
    const auto file = test_support::create_hdf5(dir + "/rank3.h5");
    test_support::write_complex(file.get(), "kspace", test_support::random_complex({2, 4, 4}, 4));
  }
  const std::string rank = test_support::reader_error(dir + "/rank3.h5", open(dir + "/rank3.h5"));
  EXPECT_NE(rank.find("rank 3"), std::string::npos) << rank;
  EXPECT_NE(rank.find("[slices, coils, readout, phase]"), std::string::npos) << rank;

  {
    const auto file = test_support::create_hdf5(dir + "/real.h5");
    test_support::write_floats(file.get(), "kspace", at::rand({1, 2, 4, 4}));
  }
  EXPECT_NE(
      test_support::reader_error(dir + "/real.h5", open(dir + "/real.h5")).find("must be complex"),
      std::string::npos);

  const FastmriFile good(dir + "/good.h5");
  EXPECT_NE(
      test_support::reader_error(dir + "/good.h5", [&] { good.read_slice(2); }).find("outside"),
      std::string::npos);
}

// Found by fuzzing (fuzz/fastmri_fuzz.cpp): a file whose 'kspace' compound declares a member
// reaching past its element; HDF5 1.10 read it out of bounds (heap use after free).
TEST(FastmriH5, CompoundMemberOutsideItsElementIsRefused) {
  const std::string path = MELRECON_TEST_DATA "/fastmri_member_outside_compound.h5";
  const std::string error = test_support::reader_error(path, [&] {
    const FastmriFile f(path);
    f.read_slice(0);
  });
  EXPECT_NE(error.find("'kspace' member"), std::string::npos) << error;
}

}  // namespace
}  // namespace melrecon::io
#endif  // MELRECON_HAVE_HDF5

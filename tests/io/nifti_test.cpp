// The NIfTI-1 reader against files written by the test (both byte orders, every datatype,
// scaling, .nii.gz) and its one-line errors.
#include "io/nifti.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <numeric>

#include "core/config.h"
#include "core/error.h"
#include "support/expect_error.h"
#include "support/nifti_writer.h"
#include "support/test_support.h"

#if MELRECON_HAVE_ZLIB
#include <zlib.h>
#endif

namespace melrecon::io {
namespace {

using test_support::NiftiSpec;

// 4 x 3 x 2 voxels (x fastest) with values 0..23 stored as T.
template <typename T>
std::vector<char> ramp() {
  std::vector<T> v(24);
  std::iota(v.begin(), v.end(), T(0));
  return test_support::raw_bytes(v);
}

std::vector<char> ramp_of(int16_t datatype) {
  switch (datatype) {
    case 2:
      return ramp<uint8_t>();
    case 256:
      return ramp<int8_t>();
    case 4:
      return ramp<int16_t>();
    case 512:
      return ramp<uint16_t>();
    case 8:
      return ramp<int32_t>();
    case 16:
      return ramp<float>();
    default:
      return ramp<double>();
  }
}

TEST(Nifti, RoundTripEveryDatatypeBothByteOrders) {
  const std::string dir = test_support::temp_dir("nifti_round_trip");
  const at::Tensor expected = at::arange(24, at::kFloat).reshape({2, 3, 4});  // [z, y, x]
  for (int16_t datatype : {2, 256, 4, 512, 8, 16, 64}) {
    for (bool big : {false, true}) {
      NiftiSpec spec{{4, 3, 2}};
      spec.datatype = datatype;
      spec.big_endian = big;
      const std::string path = dir + "/v" + std::to_string(datatype) + (big ? "be" : "le") + ".nii";
      test_support::write_file(path, test_support::nifti_bytes(spec, ramp_of(datatype)));
      const NiftiImage img = read_nifti(path);
      EXPECT_EQ(img.dims, (std::vector<int64_t>{4, 3, 2})) << path;
      EXPECT_TRUE(at::equal(img.data, expected)) << path;
      EXPECT_FLOAT_EQ(img.spacing[0], 1.5f);
      EXPECT_FLOAT_EQ(img.spacing[2], 2.5f);
    }
  }
}

TEST(Nifti, AppliesSlopeAndIntercept) {
  const std::string dir = test_support::temp_dir("nifti_scaling");
  for (bool big : {false, true}) {
    NiftiSpec spec{{4, 3, 2}};
    spec.datatype = 4;
    spec.slope = 0.5f;
    spec.inter = -3.0f;
    spec.big_endian = big;
    const std::string path = dir + (big ? "/be.nii" : "/le.nii");
    test_support::write_file(path, test_support::nifti_bytes(spec, ramp<int16_t>()));
    const at::Tensor expected = at::arange(24, at::kFloat).reshape({2, 3, 4}) * 0.5 - 3.0;
    EXPECT_TRUE(at::allclose(read_nifti(path).data, expected)) << path;
  }
}

TEST(Nifti, UnsignedSixteenBitAboveTheSignedRange) {
  const std::string path = test_support::temp_dir("nifti_uint16") + "/u.nii";
  NiftiSpec spec{{3}};
  spec.datatype = 512;
  spec.big_endian = true;
  test_support::write_file(
      path, test_support::nifti_bytes(spec, test_support::raw_bytes<uint16_t>({0, 40000, 65535})));
  EXPECT_TRUE(at::equal(read_nifti(path).data, at::tensor({0.0f, 40000.0f, 65535.0f})));
}

TEST(Nifti, ReadsGzipCompressedFiles) {
#if MELRECON_HAVE_ZLIB
  const std::string path = test_support::temp_dir("nifti_gz") + "/v.nii.gz";
  NiftiSpec spec{{4, 3, 2}};
  const std::vector<char> bytes = test_support::nifti_bytes(spec, ramp<float>());
  gzFile out = gzopen(path.c_str(), "wb");
  ASSERT_NE(out, nullptr);
  ASSERT_EQ(gzwrite(out, bytes.data(), static_cast<unsigned>(bytes.size())),
            static_cast<int>(bytes.size()));
  gzclose(out);
  EXPECT_TRUE(at::equal(read_nifti(path).data, at::arange(24, at::kFloat).reshape({2, 3, 4})));
  EXPECT_TRUE(nifti_gz_supported());
#else
  GTEST_SKIP() << "built without zlib: .nii.gz is not supported";
#endif
}

TEST(Nifti, WrittenImagesReadBackWithTheirSizesAndSpacing) {
  const std::string d = test_support::temp_dir("nifti_write");
  const at::Tensor volume = at::randn({5, 4, 3, 6});  // [t, z, y, x]
  std::vector<std::string> names{"v.nii"};
  if (nifti_gz_supported()) names.push_back("v.nii.gz");
  for (const std::string& name : names) {
    write_nifti(d + "/" + name, volume, {0.5, 0.75, 2.0});
    const NiftiImage back = read_nifti(d + "/" + name);
    EXPECT_EQ(back.dims, (std::vector<int64_t>{6, 3, 4, 5})) << name;
    EXPECT_EQ(back.spacing, (std::array<double, 3>{0.5, 0.75, 2.0})) << name;
    EXPECT_TRUE(at::equal(back.data, volume)) << name;
  }
  // Unknown spacing is written as 1.
  write_nifti(d + "/u.nii", volume.select(0, 0));
  EXPECT_EQ(read_nifti(d + "/u.nii").spacing, (std::array<double, 3>{1, 1, 1}));
  test_support::expect_error<core::Error>(
      [&] {
        write_nifti(d + "/c.nii", at::randn({3, 3}, at::kComplexFloat));
      },
      d + "/c.nii", "real images");
  test_support::expect_error<core::Error>(
      [&] {
        write_nifti(d + "/big.nii", at::zeros({40000, 1}));
      },
      d + "/big.nii", "[1, 32767]");
  EXPECT_FALSE(std::filesystem::exists(d + "/big.nii"));
}

// The reader throws one line that names the file and says what is wrong.
void expect_nifti_error(const std::string& path, const std::string& what) {
  test_support::expect_error<core::Error>([&] { read_nifti(path); }, path, what);
}

TEST(Nifti, ClearErrorsForBadFiles) {
  const std::string dir = test_support::temp_dir("nifti_errors");
  expect_nifti_error(dir + "/missing.nii", "cannot open");

  NiftiSpec spec{{4, 3, 2}};
  spec.sizeof_hdr = 540;  // a NIfTI-2 header size
  test_support::write_file(dir + "/size.nii", test_support::nifti_bytes(spec, ramp<float>()));
  expect_nifti_error(dir + "/size.nii", "sizeof_hdr is 540, expected 348");

  spec.sizeof_hdr = 348;
  spec.magic = "ni1";  // the two-file .hdr/.img variant
  test_support::write_file(dir + "/magic.nii", test_support::nifti_bytes(spec, ramp<float>()));
  expect_nifti_error(dir + "/magic.nii", "magic");

  spec.magic = "n+1";
  std::vector<char> truncated = test_support::nifti_bytes(spec, ramp<float>());
  truncated.resize(truncated.size() - 10);
  test_support::write_file(dir + "/short.nii", truncated);
  expect_nifti_error(dir + "/short.nii", "truncated");

  spec.datatype = 128;  // RGB24
  test_support::write_file(dir + "/rgb.nii", test_support::nifti_bytes(spec, ramp<float>()));
  expect_nifti_error(dir + "/rgb.nii", "unsupported NIfTI datatype 128");

  test_support::write_file(dir + "/tiny.nii", std::vector<char>(100, 0));
  expect_nifti_error(dir + "/tiny.nii", "bad NIfTI header");

  // Found by fuzzing: a NaN vox_offset was converted to an integer (undefined behaviour), and
  // seven large sizes overflow 64 bits.
  spec.datatype = 16;
  std::vector<char> bytes = test_support::nifti_bytes(spec, ramp<float>());
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::memcpy(bytes.data() + 108, &nan, sizeof(nan));
  test_support::write_file(dir + "/nan_offset.nii", bytes);
  expect_nifti_error(dir + "/nan_offset.nii", "vox_offset");
  NiftiSpec huge{{32767, 32767, 32767, 32767, 32767, 32767, 32767}};
  std::vector<char> header = test_support::nifti_bytes(NiftiSpec{{1}}, ramp<float>());
  const std::vector<char> huge_header = test_support::nifti_bytes(huge, {});
  std::copy(huge_header.begin(), huge_header.begin() + 348, header.begin());
  test_support::write_file(dir + "/huge.nii", header);
  expect_nifti_error(dir + "/huge.nii", "over 2^63");
}

}  // namespace
}  // namespace melrecon::io

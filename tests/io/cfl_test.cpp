#include "io/cfl.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "io/bart_layout.h"
#include "support/test_support.h"

namespace melrecon::io {
namespace {

using test_support::random_complex;
using test_support::temp_dir;

void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// Expects `fn` to throw core::Error with a one-line message containing every fragment.
template <typename Fn>
void expect_error(Fn fn, std::vector<std::string> fragments) {
  try {
    fn();
    FAIL() << "expected an error";
  } catch (const core::Error& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    for (const auto& f : fragments) EXPECT_NE(msg.find(f), std::string::npos) << msg;
  }
}

TEST(Cfl, RoundTripIsBitExactForAnyRank) {
  const std::string dir = temp_dir("cfl_round_trip");
  for (const std::vector<int64_t>& dims :
       {std::vector<int64_t>{7}, {3, 4, 1, 5}, {2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 1, 1, 1, 1, 2}}) {
    std::vector<int64_t> shape(dims.rbegin(), dims.rend());
    const at::Tensor data = random_complex(shape, 3, at::kComplexFloat);
    write_cfl(dir + "/x", dims, data);
    const CflArray back = read_cfl(dir + "/x.cfl");
    std::vector<int64_t> padded = dims;
    padded.resize(kBartDims, 1);
    EXPECT_EQ(back.dims, padded);
    EXPECT_TRUE(at::equal(back.data.reshape(shape), data));
  }
}

TEST(Cfl, AcceptsBaseNameOrEitherExtension) {
  EXPECT_EQ(cfl_base_name("a/b.cfl"), "a/b");
  EXPECT_EQ(cfl_base_name("a/b.hdr"), "a/b");
  EXPECT_EQ(cfl_base_name("a/b"), "a/b");
}

TEST(Cfl, MissingFilesAreNamed) {
  const std::string dir = temp_dir("cfl_missing");
  expect_error([&] { read_cfl(dir + "/nope"); }, {dir + "/nope.hdr", "cannot open"});
  write_text(dir + "/h.hdr", "# Dimensions\n2 2\n");
  expect_error([&] { read_cfl(dir + "/h"); }, {dir + "/h.cfl", "missing"});
}

TEST(Cfl, CorruptHeadersAreNamed) {
  const std::string dir = temp_dir("cfl_corrupt");
  const std::string base = dir + "/c";
  write_text(base + ".hdr", "hello\n");
  expect_error([&] { read_cfl_dims(base); }, {base + ".hdr", "no '# Dimensions'"});
  write_text(base + ".hdr", "# Dimensions\n4 x 1\n");
  expect_error([&] { read_cfl_dims(base); }, {base + ".hdr", "'x' is not an integer"});
  write_text(base + ".hdr", "# Dimensions\n4 0 1\n");
  expect_error([&] { read_cfl_dims(base); }, {base + ".hdr", "must be positive"});
  write_text(base + ".hdr", "# Dimensions\n1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1\n");
  expect_error([&] { read_cfl_dims(base); }, {base + ".hdr", "17 dimensions"});
  write_text(base + ".hdr", "# Dimensions\n");
  expect_error([&] { read_cfl_dims(base); }, {base + ".hdr", "nothing after"});
}

TEST(Cfl, TruncatedOrOversizedDataIsNamed) {
  const std::string dir = temp_dir("cfl_truncated");
  const std::string base = dir + "/t";
  write_cfl(base, {4, 4}, random_complex({4, 4}, 1, at::kComplexFloat));
  write_text(base + ".hdr", "# Dimensions\n4 5 1\n");  // header now asks for more data
  expect_error([&] { read_cfl(base); }, {base + ".cfl", "128 bytes", "160", "truncated"});
  write_text(base + ".hdr", "# Dimensions\n2 2\n");
  expect_error([&] { read_cfl(base); }, {base + ".cfl", "128 bytes", "32"});
}

TEST(BartLayout, MapsBartDimsToMelreconAxesBothWays) {
  // k-space of a cine series: READ 6, PHS1 5, COIL 3, TIME 4 -> [B=1, C=3, T=4, Y=5, X=6]
  std::vector<int64_t> dims(kBartDims, 1);
  dims[0] = 6;
  dims[1] = 5;
  dims[3] = 3;
  dims[10] = 4;
  const at::Tensor raw = random_complex({4, 1, 1, 1, 1, 1, 1, 3, 1, 5, 6}, 5, at::kComplexFloat);
  CflArray array{dims, raw.reshape(std::vector<int64_t>(dims.rbegin(), dims.rend()))};
  EXPECT_EQ(infer_kind(dims, "f"), DataKind::cine);
  const at::Tensor k = from_bart(array, Role::kspace, DataKind::cine, "f");
  ASSERT_EQ(k.sizes(), (std::vector<int64_t>{1, 3, 4, 5, 6}));
  // element (coil 2, t 3, y 1, x 4) sits at BART index x + 6(y + 5(... coil ... t))
  EXPECT_TRUE(at::equal(k[0][2][3][1][4], raw[3][0][0][0][0][0][0][2][0][1][4]));
  const CflArray back = to_bart(k, Role::kspace, DataKind::cine);
  EXPECT_EQ(back.dims, dims);
  EXPECT_TRUE(at::equal(back.data, array.data));
}

TEST(BartLayout, ExtraDimensionsAreRejectedWithTheirName) {
  std::vector<int64_t> dims(kBartDims, 1);
  dims[0] = 4;
  dims[1] = 4;
  dims[4] = 2;  // two ESPIRiT maps
  CflArray array{dims,
                 at::zeros(std::vector<int64_t>(dims.rbegin(), dims.rend()), at::kComplexFloat)};
  expect_error([&] { from_bart(array, Role::maps, DataKind::image2d, "m.cfl"); },
               {"m.cfl", "MAPS", "is 2"});
  dims[4] = 1;
  dims[2] = 3;
  dims[10] = 3;
  expect_error([&] { infer_kind(dims, "k.cfl"); }, {"k.cfl", "3D+time"});
}

}  // namespace
}  // namespace melrecon::io

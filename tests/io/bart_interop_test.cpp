// melrecon's .cfl files against the real `bart` tool: files written here are read by bart
// correctly, and files bart writes are read here correctly.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "io/bart_layout.h"
#include "io/cfl.h"
#include "mri/fft.h"
#include "support/test_support.h"

namespace melrecon::io {
namespace {

using test_support::have_bart;
using test_support::relative_error;
using test_support::run_command;

#define REQUIRE_BART() \
  if (!have_bart()) GTEST_SKIP() << "bart is not installed (scripts/setup.sh installs it)"

TEST(BartInterop, ReadsWhatBartPhantomWrites) {
  REQUIRE_BART();
  const std::string dir = test_support::temp_dir("bart_phantom_read");
  ASSERT_EQ(run_command("bart phantom -k -s 8 -x 64 " + dir + "/k").exit_code, 0);
  const CflArray k = read_cfl(dir + "/k");
  EXPECT_EQ(k.dims[0], 64);
  EXPECT_EQ(k.dims[1], 64);
  EXPECT_EQ(k.dims[3], 8);
  const at::Tensor kspace = from_bart(k, Role::kspace, infer_kind(k.dims, "k"), "k");
  ASSERT_EQ(kspace.sizes(), (std::vector<int64_t>{1, 8, 64, 64}));
  // bart's own inverse FFT of its file equals melrecon's inverse FFT of what it read.
  ASSERT_EQ(run_command("bart fft -i -u 3 " + dir + "/k " + dir + "/img").exit_code, 0);
  const at::Tensor bart_img = read_bart(dir + "/img", Role::kspace, DataKind::image2d);
  EXPECT_LT(relative_error(mri::ifftc(kspace, {-2, -1}), bart_img), 1e-5);
}

TEST(BartInterop, BartReadsWhatMelreconWrites) {
  REQUIRE_BART();
  const std::string dir = test_support::temp_dir("bart_reads_ours");
  // A 3D volume [B=1, C=2, Z=4, Y=6, X=8]: bart must see READ=8, PHS1=6, PHS2=4, COIL=2.
  const at::Tensor x = test_support::random_complex({1, 2, 4, 6, 8}, 7, at::kComplexFloat);
  write_bart(dir + "/x", x, Role::kspace, DataKind::volume3d);
  const auto dims = run_command("bart show -m " + dir + "/x");
  ASSERT_EQ(dims.exit_code, 0) << dims.output;
  EXPECT_NE(dims.output.find("AoD:\t8\t6\t4\t2\t1\t"), std::string::npos) << dims.output;
  // bart's unitary FFT over READ, PHS1, PHS2 (bitmask 7) equals melrecon's fftc over Z, Y, X.
  ASSERT_EQ(run_command("bart fft -u 7 " + dir + "/x " + dir + "/X").exit_code, 0);
  const at::Tensor bart_fft = read_bart(dir + "/X", Role::kspace, DataKind::volume3d);
  EXPECT_LT(relative_error(mri::fftc(x, {-3, -2, -1}), bart_fft), 1e-5);
  // and bart's nrmse of our own FFT written as a file against bart's, through bart's reader, is
  // below 1e-5 (`-t`: the exit code fails above it), and far above it against another image.
  write_bart(dir + "/ours", mri::fftc(x, {-3, -2, -1}), Role::kspace, DataKind::volume3d);
  EXPECT_EQ(run_command("bart nrmse -t 1e-5 " + dir + "/ours " + dir + "/X").exit_code, 0);
  EXPECT_NE(run_command("bart nrmse -t 1e-5 " + dir + "/x " + dir + "/X").exit_code, 0);
}

}  // namespace
}  // namespace melrecon::io

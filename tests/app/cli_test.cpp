// The command line end to end: help, version, CG-SENSE against `bart pics`, bad inputs.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "core/config.h"
#include "io/bart_layout.h"
#include "io/cfl.h"
#include "support/test_support.h"

namespace melrecon {
namespace {

using io::DataKind;
using io::Role;
using test_support::run_command;
using test_support::run_melrecon;

TEST(Cli, HelpAndVersion) {
  const auto help = run_melrecon("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("sense"), std::string::npos);
  const auto version = run_melrecon("version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.output.find("melrecon 0."), std::string::npos);
  EXPECT_NE(version.output.find(MELRECON_HAVE_CUDA ? "CUDA: compiled" : "CUDA: not compiled"),
            std::string::npos)
      << version.output;
  EXPECT_EQ(run_melrecon("").exit_code, 2);
  EXPECT_EQ(run_melrecon("sense --no-such-option a b c").exit_code, 2);
}

TEST(Cli, SelftestPassesAndReportsEveryStrategyForBothArchitectures) {
  const auto r = run_melrecon("selftest --unrolls 3");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // one "ok" row per architecture x data kind x strategy
  for (const char* arch : {"modl", "varnet"}) {
    for (const char* data : {"2d", "3d", "cine"}) {
      for (const char* strategy : {"full", "mel", "mel-invertible"}) {
        const std::regex row(fmt::format(R"(\n{} +{} +{} .* ok\n)", arch, data, strategy));
        EXPECT_TRUE(std::regex_search(r.output, row))
            << arch << " " << data << " " << strategy << "\n"
            << r.output;
      }
    }
  }
  EXPECT_EQ(r.output.find("FAILED"), std::string::npos) << r.output;
}

// A 2D case written by melrecon: k-space [1, C, Y, X], maps, mask (random lines + centre).
struct Case2d {
  std::string dir;
  at::Tensor kspace, maps, mask;
};

Case2d write_random_case(const std::string& name) {
  Case2d c{test_support::temp_dir(name), {}, {}, {}};
  c.maps = test_support::random_complex({1, 4, 16, 12}, 1, at::kComplexFloat);
  c.mask = (at::arange(16) % 2 == 0)
               .to(at::kFloat)
               .reshape({1, 1, 16, 1})
               .expand({1, 1, 16, 12})
               .contiguous();
  c.kspace = test_support::random_complex({1, 4, 16, 12}, 2, at::kComplexFloat) * c.mask;
  io::write_bart(c.dir + "/k", c.kspace, Role::kspace, DataKind::image2d);
  io::write_bart(c.dir + "/s", c.maps, Role::maps, DataKind::image2d);
  io::write_bart(c.dir + "/m", c.mask, Role::mask, DataKind::image2d);
  return c;
}

// The command fails with exit code 1 and one line naming `file` and the problem.
void expect_cli_error(const std::string& args, const std::string& file, const std::string& what) {
  const auto r = run_melrecon(args);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find(file), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(what), std::string::npos) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
}

TEST(Cli, SenseRunsOnAValidCase) {
  const Case2d c = write_random_case("cli_sense_ok");
  const auto r = run_melrecon("sense " + c.dir + "/k " + c.dir + "/s " + c.dir + "/x --mask " +
                              c.dir + "/m --lambda 0.1 --iters 50");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const at::Tensor x = io::read_bart(c.dir + "/x", Role::image, DataKind::image2d);
  EXPECT_EQ(x.sizes(), (std::vector<int64_t>{1, 16, 12}));
}

TEST(Cli, BadInputsGiveOneLineErrorsNamingTheFile) {
  const Case2d c = write_random_case("cli_bad_inputs");
  const std::string d = c.dir;
  expect_cli_error("sense " + d + "/none " + d + "/s " + d + "/x", d + "/none.hdr", "cannot open");

  std::ofstream(d + "/bad.hdr") << "# Dimensions\n16 twelve\n";
  expect_cli_error("sense " + d + "/bad " + d + "/s " + d + "/x", d + "/bad.hdr", "corrupt");

  io::write_cfl(d + "/short", {12, 16, 1, 4}, c.kspace);
  std::ofstream(d + "/short.hdr") << "# Dimensions\n12 16 1 5\n";
  expect_cli_error("sense " + d + "/short " + d + "/s " + d + "/x", d + "/short.cfl", "truncated");

  io::write_bart(d + "/m_small", at::ones({1, 1, 8, 12}), Role::mask, DataKind::image2d);
  expect_cli_error("sense " + d + "/k " + d + "/s " + d + "/x --mask " + d + "/m_small",
                   d + "/m_small.cfl", "does not fit");

  at::Tensor nan_k = c.kspace.clone();
  nan_k[0][1][3][3] = std::numeric_limits<float>::quiet_NaN();
  io::write_bart(d + "/k_nan", nan_k, Role::kspace, DataKind::image2d);
  expect_cli_error("sense " + d + "/k_nan " + d + "/s " + d + "/x", d + "/k_nan.cfl", "NaN");

  io::write_bart(d + "/s3", c.maps.narrow(1, 0, 3), Role::maps, DataKind::image2d);
  expect_cli_error("sense " + d + "/k " + d + "/s3 " + d + "/x", d + "/s3.cfl", "does not match");

  io::write_bart(d + "/m_huge", c.mask * 1e30, Role::mask, DataKind::image2d);
  expect_cli_error("sense " + d + "/k " + d + "/s " + d + "/x --mask " + d + "/m_huge",
                   d + "/m_huge.cfl", "mask values must lie in [0, 1]");
  // A header whose sizes overflow 64 bits (2^32 x 2^32 x 8 bytes).
  std::ofstream(d + "/huge.hdr") << "# Dimensions\n4294967296 4294967296 1 4\n";
  std::ofstream(d + "/huge.cfl") << "tiny";
  expect_cli_error("sense " + d + "/huge " + d + "/s " + d + "/x", d + "/huge.cfl", "over 2^63");
  const auto lambda = run_melrecon("sense " + d + "/k " + d + "/s " + d + "/x --lambda 1e40");
  EXPECT_EQ(lambda.exit_code, 2) << lambda.output;
}

// CG-SENSE through the CLI against `bart pics -l2` on bart's own phantom and sensitivities.
TEST(Cli, SenseMatchesBartPics) {
  if (!test_support::have_bart())
    GTEST_SKIP() << "bart is not installed (scripts/setup.sh installs it)";
  const std::string d = test_support::temp_dir("cli_sense_vs_bart");
  ASSERT_EQ(run_command("bart phantom -k -s 8 " + d + "/k_full").exit_code, 0);
  ASSERT_EQ(run_command("bart phantom -S 8 " + d + "/s_raw").exit_code, 0);
  // Sensitivities normalised by their root-sum-of-squares (inside the support).
  const at::Tensor raw = io::read_bart(d + "/s_raw", Role::maps, DataKind::image2d);
  const at::Tensor rss = raw.abs().pow(2).sum(1, true).sqrt();
  io::write_bart(d + "/s", at::where(rss > 0, raw / rss, at::zeros_like(raw)), Role::maps,
                 DataKind::image2d);
  // Variable-density random lines along PHS1 with a fully sampled centre; R ≈ 3.
  const int64_t n = raw.size(2);
  at::Tensor lines = at::rand({n}, at::make_generator<at::CPUGeneratorImpl>(5)) < 0.25;
  lines.narrow(0, n / 2 - 8, 16).fill_(true);
  const at::Tensor mask =
      lines.to(at::kFloat).reshape({1, 1, n, 1}).expand({1, 1, n, raw.size(3)}).contiguous();
  io::write_bart(d + "/m", mask, Role::mask, DataKind::image2d);
  const at::Tensor k = io::read_bart(d + "/k_full", Role::kspace, DataKind::image2d) * mask;
  io::write_bart(d + "/k", k, Role::kspace, DataKind::image2d);

  const auto bart = run_command("bart pics -l2 -r 0.01 -w 1 -i 200 -p " + d + "/m " + d + "/k " +
                                d + "/s " + d + "/ref");
  ASSERT_EQ(bart.exit_code, 0) << bart.output;
  const auto ours = run_melrecon("sense " + d + "/k " + d + "/s " + d + "/x --mask " + d +
                                 "/m --lambda 0.01 --iters 200");
  ASSERT_EQ(ours.exit_code, 0) << ours.output;
  const auto nrmse = run_command("bart nrmse " + d + "/ref " + d + "/x");
  ASSERT_EQ(nrmse.exit_code, 0) << nrmse.output;
  EXPECT_LT(std::stod(nrmse.output), 1e-3) << "bart nrmse: " << nrmse.output;
}

}  // namespace
}  // namespace melrecon

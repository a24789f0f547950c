#include "support/test_support.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>

namespace melrecon::test_support {

std::string temp_dir(const std::string& name) {
  const auto dir = std::filesystem::path(MELRECON_TEST_TMP) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

CommandResult run_command(const std::string& command) {
  std::array<char, 4096> buffer{};
  std::string output;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

CommandResult run_melrecon(const std::string& args) {
  return run_command(std::string(MELRECON_EXE) + " " + args);
}

bool have_bart() { return run_command("bart version").exit_code == 0; }

std::string python() { return MELRECON_PYTHON; }

double relative_error(const at::Tensor& a, const at::Tensor& b) {
  const double denom = b.norm().item<double>();
  const double num = (a - b).norm().item<double>();
  return denom == 0 ? num : num / denom;
}

at::Tensor random_complex(at::IntArrayRef shape, uint64_t seed, c10::ScalarType dtype) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  return at::randn(shape, gen, at::TensorOptions().dtype(dtype));
}

at::Tensor random_mask(at::IntArrayRef shape, uint64_t seed) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  return (at::rand(shape, gen, at::kDouble) > 0.5).to(at::kDouble);
}

void expect_adjoint(const TensorMap& forward, const TensorMap& adjoint, at::IntArrayRef x_shape,
                    at::IntArrayRef y_shape, double tol, c10::ScalarType dtype, uint64_t seed) {
  const auto random = [&](at::IntArrayRef shape, uint64_t s) {
    if (c10::isComplexType(dtype)) return random_complex(shape, s, dtype);
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(s);
    return at::randn(shape, gen, at::TensorOptions().dtype(dtype));
  };
  const at::Tensor x = random(x_shape, seed), y = random(y_shape, seed + 1);
  const auto inner = [](const at::Tensor& a, const at::Tensor& b) {
    return (a.conj() * b).sum().to(at::kComplexDouble).item<c10::complex<double>>();
  };
  const at::Tensor ax = forward(x);
  ASSERT_EQ(ax.sizes(), y.sizes()) << "forward(x) does not have the shape of y";
  const at::Tensor aty = adjoint(y);
  // A zero map (or adjoint) would satisfy <A x, y> = <x, A^H y> = 0 trivially.
  ASSERT_GT(ax.abs().max().item<double>(), 0.0) << "forward(x) is zero";
  ASSERT_GT(aty.abs().max().item<double>(), 0.0) << "adjoint(y) is zero";
  const c10::complex<double> lhs = inner(ax, y), rhs = inner(x, aty);
  ASSERT_GT(std::abs(lhs), 0.0) << "<A x, y> is zero: the test cannot tell the adjoint";
  EXPECT_LE(std::abs(lhs - rhs), tol * std::abs(lhs))
      << "<A x, y> = " << lhs << ", <x, A^H y> = " << rhs;
}

}  // namespace melrecon::test_support

// Helpers shared by the test suites: temporary folders, running commands, random data,
// relative errors, and whether the `bart` reference tool is available.
#pragma once

#include <ATen/core/Tensor.h>

#include <functional>
#include <string>

namespace melrecon::test_support {

// A fresh, empty folder under the build tree for one test.
std::string temp_dir(const std::string& name);

struct CommandResult {
  int exit_code;
  std::string output;  // stdout and stderr together
};
CommandResult run_command(const std::string& command);

// "melrecon <args>" through the built executable.
CommandResult run_melrecon(const std::string& args);

bool have_bart();

// The Python of the torch the build used (the .venv of scripts/setup.sh), for reference scripts.
std::string python();

// ‖a − b‖ / ‖b‖ (0 when both are 0).
double relative_error(const at::Tensor& a, const at::Tensor& b);

// Seeded complex normal tensor (complex128 unless told otherwise).
at::Tensor random_complex(at::IntArrayRef shape, uint64_t seed,
                          c10::ScalarType dtype = c10::kComplexDouble);

// Seeded random 0/1 sampling mask (float64), each entry 1 with probability 1/2.
at::Tensor random_mask(at::IntArrayRef shape, uint64_t seed);

using TensorMap = std::function<at::Tensor(const at::Tensor&)>;

// The adjoint test: ⟨forward(x), y⟩ = ⟨x, adjoint(y)⟩ within a relative tolerance, for seeded
// random x of `x_shape` and y of `y_shape` (complex, or real normal for a real `dtype`).
void expect_adjoint(const TensorMap& forward, const TensorMap& adjoint, at::IntArrayRef x_shape,
                    at::IntArrayRef y_shape, double tol,
                    c10::ScalarType dtype = c10::kComplexDouble, uint64_t seed = 1);

}  // namespace melrecon::test_support

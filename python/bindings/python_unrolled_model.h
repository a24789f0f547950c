// An unrolled network written in Python, seen by the C++ gradient strategies as any other
// UnrolledModel (unrolled/unrolled_model.h). The Python object needs `num_unrolls` (an int) and
// `unroll(k, x, problem)`; optionally `initial(problem)` (default: Aᴴy) and
// `invert_unroll(k, output, problem)` (x_k from x_{k+1}, for mel-invertible; may return
// (x_k, iterations)). The strategies run without the GIL; each call into Python takes it for as
// long as Python runs.
#pragma once

#include <torch/nn/module.h>

#include "bindings/bindings.h"
#include "unrolled/unrolled_model.h"

namespace melrecon::python {

class PythonUnrolledModel : public unrolled::UnrolledModel {
 public:
  // Checks the interface (UsageError naming what is missing); call with the GIL held.
  explicit PythonUnrolledModel(py::object model);
  ~PythonUnrolledModel() override;

  // Parameters live in Python (the strategies never ask for them); an empty module.
  torch::nn::Module& module() override { return empty_; }
  const char* arch() const override { return "python"; }
  int64_t num_unrolls() const override { return num_unrolls_; }
  at::Tensor initial(const unrolled::Problem& problem) override;
  at::Tensor unroll(int64_t k, const at::Tensor& x, const unrolled::Problem& problem,
                    const at::Tensor& known_output) override;
  std::string inversion_unavailable() const override;
  unrolled::Inversion invert_unroll(int64_t k, const at::Tensor& output,
                                    const unrolled::Problem& problem,
                                    const unrolled::InversionOptions& options) override;

 private:
  py::object model_;
  int64_t num_unrolls_ = 0;
  bool has_initial_ = false;
  bool has_inverse_ = false;
  torch::nn::Module empty_;
};

}  // namespace melrecon::python

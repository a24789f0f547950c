#include "bindings/python_unrolled_model.h"

#include "bindings/python_values.h"
#include "core/error.h"

namespace melrecon::python {

namespace {

// The problem as a Python object that refers to (does not copy) the C++ one, valid during the call.
py::object problem_object(const unrolled::Problem& problem) {
  return py::cast(&problem, py::return_value_policy::reference);
}

}  // namespace

PythonUnrolledModel::PythonUnrolledModel(py::object model) : model_(std::move(model)) {
  if (!py::hasattr(model_, "num_unrolls") || !py::hasattr(model_, "unroll")) {
    throw core::UsageError(fmt::format(
        "a Python unrolled model needs `num_unrolls` and `unroll(k, x, problem)`; {} has {}",
        type_name(model_), py::hasattr(model_, "unroll") ? "no num_unrolls" : "no unroll"));
  }
  num_unrolls_ = model_.attr("num_unrolls").cast<int64_t>();
  MELRECON_CHECK(num_unrolls_ >= 1, "Python unrolled model: num_unrolls is {}, must be >= 1",
                 num_unrolls_);
  has_initial_ = py::hasattr(model_, "initial");
  has_inverse_ = py::hasattr(model_, "invert_unroll");
}

PythonUnrolledModel::~PythonUnrolledModel() {
  py::gil_scoped_acquire gil;
  model_ = py::object();
}

at::Tensor PythonUnrolledModel::initial(const unrolled::Problem& problem) {
  if (!has_initial_) return problem.aty.clone();
  py::gil_scoped_acquire gil;
  return returned_tensor(model_.attr("initial")(problem_object(problem)),
                         "the Python model's initial");
}

at::Tensor PythonUnrolledModel::unroll(int64_t k, const at::Tensor& x,
                                       const unrolled::Problem& problem, const at::Tensor&) {
  py::gil_scoped_acquire gil;
  return returned_tensor(model_.attr("unroll")(k, x, problem_object(problem)),
                         "the Python model's unroll");
}

std::string PythonUnrolledModel::inversion_unavailable() const {
  return has_inverse_ ? "" : "the Python model defines no invert_unroll(k, output, problem)";
}

unrolled::Inversion PythonUnrolledModel::invert_unroll(int64_t k, const at::Tensor& output,
                                                       const unrolled::Problem& problem,
                                                       const unrolled::InversionOptions&) {
  MELRECON_CHECK(has_inverse_, "{}", inversion_unavailable());
  py::gil_scoped_acquire gil;
  const py::object r = model_.attr("invert_unroll")(k, output, problem_object(problem));
  if (py::isinstance<py::tuple>(r)) {
    const auto t = r.cast<py::tuple>();
    MELRECON_CHECK(t.size() == 2 || t.size() == 3,
                   "Python unrolled model: invert_unroll returned a tuple of {}, "
                   "expected (input, iterations) or (input, iterations, residual)",
                   t.size());
    return {returned_tensor(t[0], "the Python model's invert_unroll"), t[1].cast<int64_t>(),
            t.size() == 3 ? py::float_(t[2]).cast<double>() : 0.0};  // a float or 0-dim tensor
  }
  return {returned_tensor(r, "the Python model's invert_unroll"), 0};
}

}  // namespace melrecon::python

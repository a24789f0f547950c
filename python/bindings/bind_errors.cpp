// melrecon's errors as Python exceptions carrying the same one-line message:
//   melrecon.Error (a RuntimeError)               core::Error: bad files, data, options
//   melrecon.UsageError (an Error and ValueError)  core::UsageError: a wrong argument
// Internal errors (bugs) stay RuntimeError with their "internal error" text.
#include "bindings/bindings.h"
#include "core/error.h"

namespace melrecon::python {

namespace {

// Stored once and never destroyed (pybind11's advice: no Python object outlives the
// interpreter in a static destructor).
PYBIND11_CONSTINIT py::gil_safe_call_once_and_store<py::object> error_type;
PYBIND11_CONSTINIT py::gil_safe_call_once_and_store<py::object> usage_error_type;

}  // namespace

void bind_errors(py::module_& m) {
  error_type.call_once_and_store_result([&] {
    return py::reinterpret_steal<py::object>(
        PyErr_NewException("melrecon._core.Error", PyExc_RuntimeError, nullptr));
  });
  usage_error_type.call_once_and_store_result([&] {
    const py::tuple bases = py::make_tuple(error_type.get_stored(), py::handle(PyExc_ValueError));
    return py::reinterpret_steal<py::object>(
        PyErr_NewException("melrecon._core.UsageError", bases.ptr(), nullptr));
  });
  m.attr("Error") = error_type.get_stored();
  m.attr("UsageError") = usage_error_type.get_stored();
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const core::UsageError& e) {
      PyErr_SetString(usage_error_type.get_stored().ptr(), e.what());
    } catch (const core::Error& e) {
      PyErr_SetString(error_type.get_stored().ptr(), e.what());
    }
  });
}

}  // namespace melrecon::python

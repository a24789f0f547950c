#include "bindings/python_values.h"

#include <torch/csrc/autograd/python_variable.h>

#include "core/error.h"

namespace melrecon::python {

py::object to_python(const nlohmann::json& value) {
  return py::module_::import("json").attr("loads")(value.dump());
}

nlohmann::json from_python(const py::handle& object, const char* what) {
  std::string text;
  try {
    text = py::module_::import("json").attr("dumps")(object).cast<std::string>();
  } catch (const py::error_already_set& e) {
    core::fail("{}: not representable as JSON ({})", what, core::first_line(e.what()));
  }
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  MELRECON_CHECK(!value.is_discarded(), "{}: not representable as JSON (NaN or infinity?)", what);
  return value;
}

std::string type_name(const py::handle& object) {
  return py::type::of(object).attr("__name__").cast<std::string>();
}

at::Tensor returned_tensor(const py::handle& value, const std::string& what) {
  MELRECON_CHECK(THPVariable_Check(value.ptr()), "{} returned {}, not a torch.Tensor", what,
                 type_name(value));
  return value.cast<at::Tensor>();
}

}  // namespace melrecon::python

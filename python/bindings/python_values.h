// Python values in and out of the C++ library: JSON (configurations, log entries, provenance)
// through Python's json module, so that both sides keep their own rules for numbers and strings;
// tensors returned by Python code, checked.
#pragma once

#include <nlohmann/json.hpp>

#include "bindings/bindings.h"

namespace melrecon::python {

py::object to_python(const nlohmann::json& value);
// `what` names the argument in the error for an object json.dumps cannot write.
nlohmann::json from_python(const py::handle& object, const char* what);

// The name of an object's type, for messages.
std::string type_name(const py::handle& object);
// `value` as a tensor; otherwise a one-line error saying that `what` returned a `type_name`.
at::Tensor returned_tensor(const py::handle& value, const std::string& what);

}  // namespace melrecon::python

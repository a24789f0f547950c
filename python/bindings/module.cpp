#include "bindings/bindings.h"
#include "core/config.h"

PYBIND11_MODULE(_core, m) {
  m.doc() = "melrecon's C++ library; import `melrecon`, which wraps this module.";
  m.attr("__version__") = MELRECON_VERSION;
  melrecon::python::bind_errors(m);
  melrecon::python::bind_io(m);
  melrecon::python::bind_mri(m);
  melrecon::python::bind_models(m);
  melrecon::python::bind_training(m);
}

// The pieces of the extension module melrecon._core, one per area of the C++ library; each adds
// its functions and classes to the module. Tensors cross as torch.Tensor without copies
// (torch's own pybind11 casters), user errors as melrecon.Error with the C++ one-line message.
#pragma once

#include <pybind11/stl/filesystem.h>
#include <torch/csrc/utils/pybind.h>

#include <filesystem>

namespace melrecon::python {

namespace py = pybind11;
// File arguments: str or any os.PathLike.
using Path = std::filesystem::path;

void bind_errors(py::module_& m);
void bind_io(py::module_& m);
void bind_mri(py::module_& m);
void bind_models(py::module_& m);
void bind_training(py::module_& m);

}  // namespace melrecon::python

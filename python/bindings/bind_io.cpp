// melrecon.io: BART cfl/hdr, dataset folders, fastMRI and ISMRMRD HDF5 files.
#include "bindings/bindings.h"
#include "bindings/python_values.h"
#include "core/config.h"
#include "io/bart_layout.h"
#include "io/cfl.h"
#include "io/dataset.h"
#if MELRECON_HAVE_HDF5
#include "io/fastmri_h5.h"
#endif
#if MELRECON_HAVE_ISMRMRD
#include "io/ismrmrd_h5.h"
#endif

namespace melrecon::python {

namespace {

using Release = py::call_guard<py::gil_scoped_release>;

// A .cfl read in BART's dimension order: the C-order tensor of shape reverse(dims) permuted
// (a view, no copy), trailing singleton dimensions dropped, as BART's own Python reader does.
at::Tensor bart_order(const io::CflArray& array) {
  std::vector<int64_t> reversed(array.dims.size());
  for (size_t i = 0; i < reversed.size(); ++i)
    reversed[i] = static_cast<int64_t>(reversed.size() - 1 - i);
  size_t kept = array.dims.size();
  while (kept > 1 && array.dims[kept - 1] == 1) --kept;
  return array.data.permute(reversed).reshape(
      std::vector<int64_t>(array.dims.begin(), array.dims.begin() + static_cast<long>(kept)));
}

at::Tensor read_cfl(const Path& file, const std::optional<std::string>& role,
                    const std::optional<std::string>& kind) {
  const std::string path = file.string();
  if (!role) return bart_order(io::read_cfl(path));
  const io::CflArray array = io::read_cfl(path);
  const io::DataKind k = kind ? core::parse_choice<io::DataKind>(*kind)
                              : io::infer_kind(array.dims, io::cfl_base_name(path) + ".hdr");
  return io::from_bart(array, core::parse_choice<io::Role>(*role), k, path);
}

void write_cfl(const Path& file, const at::Tensor& data, const std::optional<std::string>& role,
               const std::optional<std::string>& kind) {
  const std::string path = file.string();
  if (role) {
    MELRECON_CHECK(kind, "{}: writing with a role needs the data kind too", path);
    io::write_bart(path, data, core::parse_choice<io::Role>(*role),
                   core::parse_choice<io::DataKind>(*kind));
    return;
  }
  std::vector<int64_t> reversed(static_cast<size_t>(data.dim()));
  for (size_t i = 0; i < reversed.size(); ++i)
    reversed[i] = static_cast<int64_t>(reversed.size() - 1 - i);
  io::write_cfl(path, data.sizes().vec(), data.permute(reversed).contiguous());
}

py::object tensor_or_none(const at::Tensor& t) { return t.defined() ? py::cast(t) : py::none(); }
at::Tensor tensor_or_undefined(const py::dict& d, const char* key) {
  return d.contains(key) && !d[key].is_none() ? d[key].cast<at::Tensor>() : at::Tensor();
}

}  // namespace

void bind_io(py::module_& m) {
  m.def("read_cfl", &read_cfl, py::arg("path"), py::arg("role") = py::none(),
        py::arg("kind") = py::none(), Release(),
        R"(Reads a BART .cfl/.hdr pair ("x", "x.cfl" or "x.hdr").

Without `role`: complex64 in BART's dimension order (READ, PHS1, PHS2, COIL, ...), trailing
singleton dimensions dropped, a view of the file's bytes. With `role` ("kspace", "maps",
"image", "mask") and optionally `kind` ("2d", "3d", "cine"; inferred when omitted): melrecon's
layout, k-space and maps [B, C, *S], images [B, *S], masks [B|1, 1, *S].)");
  m.def("write_cfl", &write_cfl, py::arg("path"), py::arg("data"), py::arg("role") = py::none(),
        py::arg("kind") = py::none(), Release(),
        R"(Writes a BART .cfl/.hdr pair atomically: `data` in BART's dimension order (at most 16
dimensions), or in melrecon's layout when `role` and `kind` are given (as read_cfl reads it).)");

  m.def(
      "read_dataset_info",
      [](const Path& dir) {
        const io::DatasetInfo info = io::read_dataset_info(dir.string());
        py::dict d;
        d["kind"] = core::choice_name(info.kind);
        d["cases"] = info.cases;
        d["fft_axes"] = info.fft_axes.empty() ? io::default_fft_axes(info.kind) : info.fft_axes;
        d["extra"] = to_python(info.extra);
        return d;
      },
      py::arg("path"),
      "The index of a dataset folder (dataset.json): kind, cases, fft_axes (spatial axes the FFT "
      "runs over) and provenance.");
  m.def(
      "read_case",
      [](const Path& dir, const std::string& name, const std::string& kind) {
        io::CaseData c;
        {
          py::gil_scoped_release release;
          c = io::read_case(dir.string(), name, core::parse_choice<io::DataKind>(kind));
        }
        py::dict d;
        d["kspace"] = c.kspace;
        d["maps"] = tensor_or_none(c.maps);
        d["reference"] = tensor_or_none(c.reference);
        d["mask"] = tensor_or_none(c.mask);
        return d;
      },
      py::arg("path"), py::arg("case"), py::arg("kind"),
      "One case of a dataset folder: {'kspace': [B, C, *S], 'maps': [B|1, C, *S] or None, "
      "'reference': [B, *S] or None, 'mask': [B|1, 1, *S] or None}.");
  m.def(
      "write_case",
      [](const Path& dir, const std::string& name, const py::dict& data, const std::string& kind) {
        io::CaseData c{tensor_or_undefined(data, "kspace"), tensor_or_undefined(data, "maps"),
                       tensor_or_undefined(data, "reference"), tensor_or_undefined(data, "mask")};
        MELRECON_CHECK(c.kspace.defined(), "{}/{}: a case needs 'kspace'", dir.string(), name);
        py::gil_scoped_release release;
        io::write_case(dir.string(), name, c, core::parse_choice<io::DataKind>(kind));
      },
      py::arg("path"), py::arg("case"), py::arg("data"), py::arg("kind"),
      "Writes one case (the dict read_case returns; None entries are skipped) into a dataset "
      "folder.");
  m.def(
      "write_dataset_info",
      [](const Path& dir, const std::string& kind, const std::vector<std::string>& cases,
         const std::vector<int64_t>& fft_axes, const py::object& extra) {
        io::DatasetInfo info{
            core::parse_choice<io::DataKind>(kind), cases, fft_axes,
            extra.is_none() ? nlohmann::json::object() : from_python(extra, "extra")};
        io::write_dataset_info(dir.string(), info);
      },
      py::arg("path"), py::arg("kind"), py::arg("cases"),
      py::arg("fft_axes") = std::vector<int64_t>{}, py::arg("extra") = py::none(),
      "Writes dataset.json, the index of a dataset folder.");

#if MELRECON_HAVE_HDF5
  py::class_<io::FastmriFile>(m, "FastmriFile",
                              "A fastMRI multicoil HDF5 file, read a slice at a time. Reads "
                              "return melrecon's layout [slices, C, Y, X] (Y phase encoding, X "
                              "readout).")
      .def(py::init([](const Path& path) { return io::FastmriFile(path.string()); }),
           py::arg("path"))
      .def_property_readonly("path", &io::FastmriFile::path)
      .def_property_readonly("shape", &io::FastmriFile::shape)
      .def_property_readonly("num_slices", &io::FastmriFile::num_slices)
      .def("read_kspace", &io::FastmriFile::read_kspace, Release(), "[slices, C, Y, X] complex64")
      .def("read_slice", &io::FastmriFile::read_slice, py::arg("slice"), Release(),
           "[1, C, Y, X] complex64, one hyperslab")
      .def("ismrmrd_header", &io::FastmriFile::ismrmrd_header)
      .def(
          "reconstruction_rss",
          [](const io::FastmriFile& f) { return tensor_or_none(f.reconstruction_rss()); },
          "[slices, Y, X] float32, or None when the file has none");
#endif
#if MELRECON_HAVE_ISMRMRD
  m.def(
      "read_ismrmrd",
      [](const Path& path, const std::string& group) {
        io::IsmrmrdData data;
        {
          py::gil_scoped_release release;
          data = io::read_ismrmrd(path.string(), group);
        }
        py::dict d;
        d["kspace"] = data.kspace;
        d["kind"] = core::choice_name(data.kind);
        d["header_xml"] = data.header_xml;
        d["provenance"] = to_python(data.provenance);
        return d;
      },
      py::arg("path"), py::arg("group") = "dataset",
      "Cartesian k-space of an ISMRMRD HDF5 file: {'kspace': [B, C, *S] complex64, 'kind', "
      "'header_xml', 'provenance'}.");
#endif
}

}  // namespace melrecon::python

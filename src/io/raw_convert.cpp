#include "io/raw_convert.h"

#include <fmt/format.h>

#include <filesystem>

#include "core/config.h"
#include "core/error.h"
#include "core/tensor_checks.h"
#include "io/atomic_file.h"
#include "io/folder_output.h"

#if MELRECON_HAVE_HDF5
#include "io/fastmri_h5.h"
#endif
#if MELRECON_HAVE_HDF5 || MELRECON_HAVE_ISMRMRD
#include "io/hdf5_file.h"
#endif
#if MELRECON_HAVE_ISMRMRD
#include "io/ismrmrd_h5.h"
#endif

namespace melrecon::io {
namespace fs = std::filesystem;
namespace {

// What one input file becomes.
struct RawCase {
  CaseData data;
  DataKind kind = DataKind::image2d;
  std::string header_xml;
  at::Tensor rss;  // fastMRI reconstruction_rss, may be undefined
  nlohmann::json provenance;
};

#if MELRECON_HAVE_HDF5
RawCase read_fastmri_case(const std::string& path) {
  const FastmriFile file(path);
  RawCase c;
  c.data.kspace = file.read_kspace();
  c.header_xml = file.ismrmrd_header();
  c.rss = file.reconstruction_rss();
  c.provenance = {{"format", "fastmri"}, {"kspace_shape", file.kspace_shape()}};
  return c;
}
#endif

#if MELRECON_HAVE_ISMRMRD
RawCase read_ismrmrd_case(const std::string& path) {
  IsmrmrdData d = read_ismrmrd(path);
  RawCase c;
  c.data.kspace = d.kspace;
  c.kind = d.kind;
  c.header_xml = std::move(d.header_xml);
  c.provenance = std::move(d.provenance);
  return c;
}
#endif

RawCase read_raw(const std::string& path, RawFormat requested) {
  const RawFormat format = requested == RawFormat::automatic ? detect_raw_format(path) : requested;
  MELRECON_CHECK(raw_format_available(format),
                 "{}: {} files cannot be read by this build (melrecon was built without {})", path,
                 core::choice_name(format), format == RawFormat::fastmri ? "HDF5" : "libismrmrd");
#if MELRECON_HAVE_HDF5
  if (format == RawFormat::fastmri) return read_fastmri_case(path);
#endif
#if MELRECON_HAVE_ISMRMRD
  if (format == RawFormat::ismrmrd) return read_ismrmrd_case(path);
#endif
  core::fail("{}: no reader for format {}", path, core::choice_name(format));
}

}  // namespace

bool raw_format_available(RawFormat format) {
  switch (format) {
    case RawFormat::automatic:
      return MELRECON_HAVE_HDF5 || MELRECON_HAVE_ISMRMRD;
    case RawFormat::fastmri:
      return MELRECON_HAVE_HDF5;
    case RawFormat::ismrmrd:
      return MELRECON_HAVE_ISMRMRD;
  }
  return false;
}

RawFormat detect_raw_format(const std::string& path) {
#if MELRECON_HAVE_HDF5 || MELRECON_HAVE_ISMRMRD
  const h5::Handle file = h5::open_file(path);
  if (h5::has_path(file.get(), "kspace")) return RawFormat::fastmri;
  if (h5::has_path(file.get(), "dataset")) return RawFormat::ismrmrd;
  core::fail("{}: neither fastMRI (no 'kspace' dataset) nor ISMRMRD (no 'dataset' group)", path);
#else
  core::fail("{}: cannot detect the format: this build has no HDF5 support", path);
#endif
}

namespace {

// The cases and dataset.json of `inputs` into the (new, empty) folder `dir`.
DatasetInfo convert_into(const std::vector<std::string>& inputs, const std::string& dir,
                         RawFormat format) {
  DatasetInfo info;
  nlohmann::json sources = nlohmann::json::array();
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string& path = inputs[i];
    RawCase c = read_raw(path, format);
    if (i == 0) info.kind = c.kind;
    MELRECON_CHECK(c.kind == info.kind,
                   "{}: holds {} data, but {} holds {}; a dataset has one kind", path,
                   core::choice_name(c.kind), inputs[0], core::choice_name(info.kind));
    core::check_finite(c.data.kspace, path);
    const std::string name = fmt::format("case_{:04d}", i);
    write_case(dir, name, c.data, c.kind);
    const fs::path folder = fs::path(dir) / name;
    if (!c.header_xml.empty()) {
      write_file_atomically((folder / "header.xml").string(),
                            [&](std::ostream& out) { out << c.header_xml; });
    }
    if (c.rss.defined()) {
      write_bart((folder / "reconstruction_rss").string(), c.rss, Role::image, DataKind::image2d);
    }
    c.provenance["case"] = name;
    c.provenance["file"] = fs::absolute(path).string();
    sources.push_back(c.provenance);
    info.cases.push_back(name);
  }
  info.extra["generator"] = "melrecon convert";
  info.extra["sources"] = sources;
  write_dataset_info(dir, info);
  return info;
}

}  // namespace

DatasetInfo convert_raw_files(const std::vector<std::string>& inputs, const std::string& out,
                              RawFormat format, bool overwrite) {
  MELRECON_CHECK(!inputs.empty(), "convert: no input files");
  DatasetInfo written;
  write_folder_atomically(
      out, overwrite, [&](const std::string& dir) { written = convert_into(inputs, dir, format); });
  return written;
}

}  // namespace melrecon::io

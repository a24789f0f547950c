#include "io/dataset.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/tensor_checks.h"
#include "io/atomic_file.h"
#include "io/case_files.h"
#include "io/json_value.h"

namespace melrecon::io {
namespace fs = std::filesystem;
namespace {

constexpr const char* kFormat = "melrecon-dataset";
constexpr int kVersion = 1;

std::string part(const std::string& dir, const std::string& name, const char* what) {
  return (fs::path(dir) / name / what).string();
}

bool exists(const std::string& base) { return fs::exists(base + ".hdr"); }

void check_same_spatial(const at::Tensor& t, const at::Tensor& kspace, int64_t first_axis,
                        const std::string& file) {
  for (int64_t d = 2; d < kspace.dim(); ++d) {
    const int64_t td = d - 2 + first_axis;
    MELRECON_CHECK(td < t.dim() && t.size(td) == kspace.size(d),
                   "{}: shape {} does not match k-space {}", file, core::shape_string(t.sizes()),
                   core::shape_string(kspace.sizes()));
  }
}

}  // namespace

std::vector<int64_t> default_fft_axes(DataKind kind) {
  switch (kind) {
    case DataKind::image2d:
      return {0, 1};
    case DataKind::volume3d:
      return {0, 1, 2};
    case DataKind::cine:
      return {1, 2};
  }
  return {};
}

void write_dataset_info(const std::string& dir, const DatasetInfo& info) {
  fs::create_directories(dir);
  nlohmann::json j = info.extra;
  j["format"] = kFormat;
  j["version"] = kVersion;
  j["kind"] = core::choice_name(info.kind);
  j["cases"] = info.cases;
  j["fft_axes"] = info.fft_axes.empty() ? default_fft_axes(info.kind) : info.fft_axes;
  write_file_atomically((fs::path(dir) / kDatasetIndex).string(),
                        [&](std::ostream& out) { out << j.dump(2) << "\n"; });
}

DatasetInfo read_dataset_info(const std::string& dir) {
  const std::string file = (fs::path(dir) / kDatasetIndex).string();
  std::ifstream in(file);
  MELRECON_CHECK(in.good(), "{}: cannot open (is {} a melrecon dataset folder?)", file, dir);
  nlohmann::json j;
  try {
    in >> j;
  } catch (const nlohmann::json::exception& e) {
    core::fail("{}: not valid JSON ({})", file, e.what());
  }
  MELRECON_CHECK(j.is_object() && j.value("format", nlohmann::json()) == kFormat,
                 "{}: not a melrecon dataset index (\"format\" must be \"{}\")", file, kFormat);
  const auto required = [&](const char* key) -> const nlohmann::json& {
    MELRECON_CHECK(j.contains(key), "{}: '{}' is missing", file, key);
    return j.at(key);
  };
  int64_t version = 0;
  read_json_value(required("version"), version, file, "version");
  MELRECON_CHECK(version == kVersion, "{}: unsupported version {} (expected {})", file, version,
                 kVersion);
  DatasetInfo info;
  std::string kind;
  read_json_value(required("kind"), kind, file, "kind");
  const auto found = choices(DataKind{}).find(kind);
  MELRECON_CHECK(found, "{}: 'kind' is '{}', expected one of {}", file, kind,
                 choices(DataKind{}).listing());
  info.kind = *found;
  read_json_value(required("cases"), info.cases, file, "cases");
  info.fft_axes = default_fft_axes(info.kind);
  if (j.contains("fft_axes")) read_json_value(j.at("fft_axes"), info.fft_axes, file, "fft_axes");
  MELRECON_CHECK(!info.cases.empty(), "{}: lists no cases", file);
  const int64_t rank = spatial_rank(info.kind);
  std::vector<bool> seen(rank, false);
  for (int64_t axis : info.fft_axes) {
    MELRECON_CHECK(axis >= 0 && axis < rank && !seen[axis],
                   "{}: fft_axes must be distinct spatial axes in [0, {}), found {}", file, rank,
                   axis);
    seen[axis] = true;
  }
  for (const auto& name : info.cases) {
    // A plain folder name: nothing outside the dataset folder is read.
    MELRECON_CHECK(
        !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos,
        "{}: case '{}' is not a folder name inside the dataset", file, name);
    MELRECON_CHECK(fs::is_directory(fs::path(dir) / name), "{}: case folder '{}' is missing", file,
                   name);
    // Listed twice, a case would be trained on twice per epoch, or land in training and validation.
    MELRECON_CHECK(std::count(info.cases.begin(), info.cases.end(), name) == 1,
                   "{}: case '{}' is listed more than once", file, name);
  }
  for (const auto& key : {"format", "version", "kind", "cases", "fft_axes"}) j.erase(key);
  info.extra = j;
  return info;
}

void write_case(const std::string& dir, const std::string& name, const CaseData& data,
                DataKind kind) {
  MELRECON_CHECK(data.kspace.defined(), "write_case {}: k-space is required", name);
  fs::create_directories(fs::path(dir) / name);
  write_bart(part(dir, name, "kspace"), data.kspace, Role::kspace, kind);
  if (data.maps.defined()) write_bart(part(dir, name, "maps"), data.maps, Role::maps, kind);
  if (data.reference.defined()) {
    write_bart(part(dir, name, "reference"), data.reference, Role::image, kind);
  }
  if (data.mask.defined()) write_bart(part(dir, name, "mask"), data.mask, Role::mask, kind);
}

CaseData read_case(const std::string& dir, const std::string& name, DataKind kind) {
  CaseData c;
  const std::string k = part(dir, name, "kspace");
  c.kspace = read_bart(k, Role::kspace, kind);
  core::check_finite(c.kspace, k + ".cfl");
  const std::string maps = part(dir, name, "maps");
  if (exists(maps)) {
    c.maps = read_bart(maps, Role::maps, kind);
    MELRECON_CHECK(c.maps.size(1) == c.kspace.size(1), "{}.cfl: {} coils, k-space has {}", maps,
                   c.maps.size(1), c.kspace.size(1));
    check_maps_fit(c.maps.sizes(), c.kspace.sizes(), kind, maps + ".cfl");
    core::check_finite(c.maps, maps + ".cfl");
    check_maps_not_zero(c.maps, maps + ".cfl");
  }
  const std::string ref = part(dir, name, "reference");
  if (exists(ref)) {
    c.reference = read_bart(ref, Role::image, kind);
    MELRECON_CHECK(c.reference.size(0) == c.kspace.size(0),
                   "{}.cfl: {} examples (batch entries), k-space has {}", ref, c.reference.size(0),
                   c.kspace.size(0));
    check_same_spatial(c.reference, c.kspace, 1, ref + ".cfl");
    core::check_finite(c.reference, ref + ".cfl");
  }
  const std::string mask = part(dir, name, "mask");
  if (exists(mask)) {
    c.mask = at::real(read_bart(mask, Role::mask, kind)).to(at::kFloat);
    check_mask_fits(c.mask, c.kspace, mask + ".cfl");
  }
  return c;
}

}  // namespace melrecon::io

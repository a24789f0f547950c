#include "io/hdf5_file.h"

#include <filesystem>
#include <utility>

#include "core/error.h"
#include "io/isolated_read.h"

namespace melrecon::io::h5 {
namespace {

herr_t keep_first(unsigned n, const H5E_error2_t* err, void* data) {
  if (n == 0 && err->desc != nullptr) *static_cast<std::string*>(data) = err->desc;
  return 0;
}

void silence_hdf5() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

// A C string type in memory of `size` bytes (or H5T_VARIABLE) in the file type's character set:
// HDF5 converts no ASCII <-> UTF-8.
Handle string_memory_type(hid_t file_type, size_t size) {
  Handle memory(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(memory.get(), size);
  H5Tset_cset(memory.get(), H5Tget_cset(file_type));
  return memory;
}

}  // namespace

Handle::Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)), close_(other.close_) {}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    if (valid() && close_ != nullptr) close_(id_);
    id_ = std::exchange(other.id_, -1);
    close_ = other.close_;
  }
  return *this;
}

Handle::~Handle() {
  if (valid() && close_ != nullptr) close_(id_);
}

std::string last_error() {
  std::string message;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_first, &message);
  H5Eclear2(H5E_DEFAULT);
  return message;
}

Handle open_file(const std::string& path) {
  silence_hdf5();
  MELRECON_CHECK(!std::filesystem::is_directory(path), "{}: is a folder, not an HDF5 file", path);
  MELRECON_CHECK(std::filesystem::is_regular_file(path), "{}: cannot open (no such file)", path);
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
  MELRECON_CHECK(is_hdf5 != 0, "{}: not an HDF5 file", path);
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  MELRECON_CHECK(file.valid(), "{}: cannot open as HDF5, truncated or corrupt ({})", path,
                 last_error());
  return file;
}

bool has_path(hid_t loc, const std::string& name) {
  size_t end = 0;
  while (end != std::string::npos) {
    end = name.find('/', end + 1);
    const std::string prefix = name.substr(0, end);
    if (H5Lexists(loc, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
  }
  return true;
}

Handle open_dataset(hid_t loc, const std::string& name, const std::string& file) {
  MELRECON_CHECK(has_path(loc, name), "{}: no dataset '{}'", file, name);
  Handle dataset(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose);
  MELRECON_CHECK(dataset.valid(), "{}: '{}' is not a readable dataset ({})", file, name,
                 last_error());
  return dataset;
}

std::vector<hsize_t> shape_of(hid_t dataset) {
  const Handle space(H5Dget_space(dataset), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(rank > 0 ? rank : 0);
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

std::string read_string(hid_t dataset, const std::string& what) {
  const Handle type(H5Dget_type(dataset), H5Tclose);
  MELRECON_CHECK(H5Tget_class(type.get()) == H5T_STRING, "{}: expected a string", what);
  const Handle space(H5Dget_space(dataset), H5Sclose);
  MELRECON_CHECK(H5Sget_simple_extent_npoints(space.get()) == 1, "{}: expected one string", what);
  if (H5Tis_variable_str(type.get()) > 0) {
    // Read in a child process: a damaged global heap can crash HDF5 itself (io/isolated_read.h).
    return read_isolated(
        [&] {
          const Handle memory = string_memory_type(type.get(), H5T_VARIABLE);
          char* text = nullptr;
          MELRECON_CHECK(H5Dread(dataset, memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &text) >= 0,
                         "{}: cannot read ({})", what, last_error());
          std::string result = text != nullptr ? text : "";
          H5free_memory(text);
          return result;
        },
        what);
  }
  const size_t size = H5Tget_size(type.get());
  std::string buffer(size, '\0');
  const Handle memory = string_memory_type(type.get(), size);
  MELRECON_CHECK(H5Dread(dataset, memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()) >= 0,
                 "{}: cannot read ({})", what, last_error());
  return buffer.substr(0, buffer.find('\0'));
}

}  // namespace melrecon::io::h5

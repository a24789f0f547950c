// A small layer over the HDF5 C API for the raw-data readers (io/fastmri_h5, io/ismrmrd_h5):
// handles that close themselves and one-line core::Error messages naming the file, with HDF5's
// own error-stack printing switched off. Internal to io: only .cpp files include it.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace melrecon::io::h5 {

// How many times its file's size the data a raw file declares may be: compression and
// undersampled acquisitions (zeros filled in) make it larger, a corrupt header far larger.
constexpr int64_t kMaxExpansion = 1024;

// Owns one HDF5 identifier and closes it with the matching H5?close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer close) : id_(id), close_(close) {}
  Handle(Handle&& other) noexcept;
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle();

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_ = -1;
  Closer close_ = nullptr;
};

// The most specific message on HDF5's current error stack ("" when empty).
std::string last_error();

// Opens `path` read-only. Errors: missing file, not HDF5, truncated or corrupt (HDF5's reason).
Handle open_file(const std::string& path);

// Whether `name` (a path like "dataset/data") exists below `loc`, each level checked in turn.
bool has_path(hid_t loc, const std::string& name);

// Opens dataset `name`; a missing one is an error naming `file` and `name`.
Handle open_dataset(hid_t loc, const std::string& name, const std::string& file);

// Sizes of a dataset's (simple) dataspace.
std::vector<hsize_t> shape_of(hid_t dataset);

// A string dataset holding one string (scalar or one element, fixed or variable length).
std::string read_string(hid_t dataset, const std::string& what);

}  // namespace melrecon::io::h5

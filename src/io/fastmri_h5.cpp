#include "io/fastmri_h5.h"

#include <ATen/ATen.h>

#include <filesystem>

#include "core/error.h"
#include "core/tensor_checks.h"
#include "io/hdf5_file.h"

namespace melrecon::io {

struct FastmriFile::Impl {
  std::string path;
  h5::Handle file;
  h5::Handle kspace;
  h5::Handle complex_type;  // memory type: the file's two float members at offsets 0 and 4
  std::vector<int64_t> shape;

  // Reads `count` slices from `first` into a [count, C, Y, X] complex64 tensor.
  at::Tensor read_slices(int64_t first, int64_t count) const;
};

namespace {

// fastMRI's [..., readout, phase] as melrecon's [..., Y = phase, X = readout].
at::Tensor phase_then_readout(const at::Tensor& stored) {
  return stored.transpose(-2, -1).contiguous();
}

// The memory type matching the file's compound {float re; float im} by member name, so HDF5
// converts whatever float width the file stores into two native floats.
h5::Handle complex_memory_type(hid_t dataset, const std::string& path) {
  const h5::Handle type(H5Dget_type(dataset), H5Tclose);
  const bool compound = H5Tget_class(type.get()) == H5T_COMPOUND;
  const int members = compound ? H5Tget_nmembers(type.get()) : 0;
  MELRECON_CHECK(compound && members == 2 && H5Tget_size(type.get()) <= 2 * sizeof(double),
                 "{}: 'kspace' must be complex (a compound of two floats), found another type",
                 path);
  // HDF5 1.10 converts a compound member by member, by name, and trusts the file's layout: a
  // member outside the compound or one name twice must not reach its converter.
  const size_t size = H5Tget_size(type.get());
  h5::Handle memory(H5Tcreate(H5T_COMPOUND, 2 * sizeof(float)), H5Tclose);
  std::string names[2];
  for (unsigned m = 0; m < 2; ++m) {
    const h5::Handle member(H5Tget_member_type(type.get(), m), H5Tclose);
    const size_t bytes = member.get() >= 0 ? H5Tget_size(member.get()) : 0;
    const size_t offset = H5Tget_member_offset(type.get(), m);
    MELRECON_CHECK(H5Tget_member_class(type.get(), m) == H5T_FLOAT &&
                       (bytes == sizeof(float) || bytes == sizeof(double)) &&
                       offset + bytes <= size,
                   "{}: 'kspace' member {} is not a float or double inside the {}-byte element",
                   path, m, size);
    char* name = H5Tget_member_name(type.get(), m);
    names[m] = name ? name : "";
    H5free_memory(name);
    MELRECON_CHECK(m == 0 || names[1] != names[0], "{}: 'kspace' has two members named '{}'", path,
                   names[0]);
    MELRECON_CHECK(
        H5Tinsert(memory.get(), names[m].c_str(), m * sizeof(float), H5T_NATIVE_FLOAT) >= 0,
        "{}: 'kspace' member {} ('{}') cannot be read ({})", path, m, names[m], h5::last_error());
  }
  return memory;
}

}  // namespace

FastmriFile::FastmriFile(const std::string& path) : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  impl_->file = h5::open_file(path);
  impl_->kspace = h5::open_dataset(impl_->file.get(), "kspace", path);
  const std::vector<hsize_t> dims = h5::shape_of(impl_->kspace.get());
  impl_->shape.assign(dims.begin(), dims.end());
  MELRECON_CHECK(
      impl_->shape.size() == 4,
      "{}: 'kspace' has rank {} (shape {}), expected 4: [slices, coils, readout, phase] multicoil",
      path, impl_->shape.size(), core::shape_string(impl_->shape));
  for (int64_t d : impl_->shape) MELRECON_CHECK(d > 0, "{}: 'kspace' is empty", path);
  // k-space barely compresses: a declared size far beyond the file's is a corrupt header.
  core::checked_bytes(impl_->shape, 8,
                      h5::kMaxExpansion * static_cast<int64_t>(std::filesystem::file_size(path)),
                      path + ": 'kspace'");
  impl_->complex_type = complex_memory_type(impl_->kspace.get(), path);
}

FastmriFile::~FastmriFile() = default;
FastmriFile::FastmriFile(FastmriFile&&) noexcept = default;
FastmriFile& FastmriFile::operator=(FastmriFile&&) noexcept = default;

const std::string& FastmriFile::path() const { return impl_->path; }
const std::vector<int64_t>& FastmriFile::kspace_shape() const { return impl_->shape; }
std::vector<int64_t> FastmriFile::shape() const {
  const std::vector<int64_t>& s = impl_->shape;
  return {s[0], s[1], s[3], s[2]};
}

at::Tensor FastmriFile::Impl::read_slices(int64_t first, int64_t count) const {
  std::vector<int64_t> sizes = shape;
  sizes[0] = count;
  at::Tensor out = at::empty(sizes, at::kComplexFloat);
  const hsize_t start[4] = {static_cast<hsize_t>(first), 0, 0, 0};
  const hsize_t extent[4] = {static_cast<hsize_t>(count), static_cast<hsize_t>(shape[1]),
                             static_cast<hsize_t>(shape[2]), static_cast<hsize_t>(shape[3])};
  const h5::Handle file_space(H5Dget_space(kspace.get()), H5Sclose);
  H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, extent, nullptr);
  const h5::Handle memory_space(H5Screate_simple(4, extent, nullptr), H5Sclose);
  MELRECON_CHECK(H5Dread(kspace.get(), complex_type.get(), memory_space.get(), file_space.get(),
                         H5P_DEFAULT, out.data_ptr()) >= 0,
                 "{}: cannot read 'kspace' slices {}..{} ({})", path, first, first + count - 1,
                 h5::last_error());
  return phase_then_readout(out);
}

at::Tensor FastmriFile::read_kspace() const { return impl_->read_slices(0, num_slices()); }

at::Tensor FastmriFile::read_slice(int64_t slice) const {
  MELRECON_CHECK(slice >= 0 && slice < num_slices(), "{}: slice {} is outside [0, {})", impl_->path,
                 slice, num_slices());
  return impl_->read_slices(slice, 1);
}

std::string FastmriFile::ismrmrd_header() const {
  if (!h5::has_path(impl_->file.get(), "ismrmrd_header")) return "";
  const h5::Handle dataset = h5::open_dataset(impl_->file.get(), "ismrmrd_header", impl_->path);
  return h5::read_string(dataset.get(), impl_->path + ": 'ismrmrd_header'");
}

at::Tensor FastmriFile::reconstruction_rss() const {
  if (!h5::has_path(impl_->file.get(), "reconstruction_rss")) return {};
  const h5::Handle dataset = h5::open_dataset(impl_->file.get(), "reconstruction_rss", impl_->path);
  const h5::Handle stored_type(H5Dget_type(dataset.get()), H5Tclose);
  MELRECON_CHECK(H5Tget_class(stored_type.get()) == H5T_FLOAT &&
                     H5Tget_size(stored_type.get()) <= sizeof(double),
                 "{}: 'reconstruction_rss' must hold floats", impl_->path);
  const std::vector<hsize_t> dims = h5::shape_of(dataset.get());
  const std::vector<int64_t> shape(dims.begin(), dims.end());
  core::checked_bytes(
      shape, 4, h5::kMaxExpansion * static_cast<int64_t>(std::filesystem::file_size(impl_->path)),
      impl_->path + ": 'reconstruction_rss'");
  MELRECON_CHECK(shape.size() == 3 && shape[0] == num_slices(),
                 "{}: 'reconstruction_rss' has shape {}, expected [{}, y, x]", impl_->path,
                 core::shape_string(shape), num_slices());
  at::Tensor out = at::empty(shape, at::kFloat);
  MELRECON_CHECK(
      H5Dread(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data_ptr()) >= 0,
      "{}: cannot read 'reconstruction_rss' ({})", impl_->path, h5::last_error());
  return phase_then_readout(out);
}

}  // namespace melrecon::io

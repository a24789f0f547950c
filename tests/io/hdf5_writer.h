// Writing small HDF5 files with the HDF5 C API for the reader tests: fastMRI-like files and
// files with deliberate defects. Header-only: test targets build *_test.cpp files only.
#pragma once

#include <ATen/ATen.h>
#include <hdf5.h>

#include <filesystem>
#include <string>
#include <vector>

#include "io/hdf5_file.h"

namespace melrecon::test_support {

inline io::h5::Handle create_hdf5(const std::string& path) {
  return {H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose};
}

inline std::vector<hsize_t> dims_of(const at::Tensor& t) {
  return std::vector<hsize_t>(t.sizes().begin(), t.sizes().end());
}

// A complex tensor as a compound {re, im} named `re`/`im`, stored as float32 or float64.
inline void write_complex(hid_t loc, const std::string& name, const at::Tensor& values,
                          const char* re = "r", const char* im = "i", bool doubles = false) {
  const at::Tensor data =
      at::view_as_real(values.to(doubles ? at::kComplexDouble : at::kComplexFloat).contiguous());
  const hid_t member = doubles ? H5T_NATIVE_DOUBLE : H5T_NATIVE_FLOAT;
  const size_t size = H5Tget_size(member);
  const io::h5::Handle type(H5Tcreate(H5T_COMPOUND, 2 * size), H5Tclose);
  H5Tinsert(type.get(), re, 0, member);
  H5Tinsert(type.get(), im, size, member);
  const std::vector<hsize_t> dims = dims_of(values);
  const io::h5::Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                             H5Sclose);
  const io::h5::Handle set(
      H5Dcreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      H5Dclose);
  H5Dwrite(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data_ptr());
}

inline void write_floats(hid_t loc, const std::string& name, const at::Tensor& values) {
  const at::Tensor data = values.to(at::kFloat).contiguous();
  const std::vector<hsize_t> dims = dims_of(values);
  const io::h5::Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                             H5Sclose);
  const io::h5::Handle set(H5Dcreate2(loc, name.c_str(), H5T_NATIVE_FLOAT, space.get(), H5P_DEFAULT,
                                      H5P_DEFAULT, H5P_DEFAULT),
                           H5Dclose);
  H5Dwrite(set.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data_ptr());
}

// A scalar string dataset, variable length (as h5py writes str) or fixed length.
inline void write_string(hid_t loc, const std::string& name, const std::string& text,
                         bool variable = true, bool utf8 = false) {
  const io::h5::Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), variable ? H5T_VARIABLE : text.size() + 1);
  if (utf8) H5Tset_cset(type.get(), H5T_CSET_UTF8);  // as h5py writes Python strings
  const io::h5::Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  const io::h5::Handle set(
      H5Dcreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      H5Dclose);
  const char* pointer = text.c_str();
  H5Dwrite(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
           variable ? static_cast<const void*>(&pointer) : static_cast<const void*>(pointer));
}

// A fastMRI multicoil file as stored: kspace [slices, coils, readout, phase], ismrmrd_header,
// optional RSS [slices, readout, phase].
inline void write_fastmri(const std::string& path, const at::Tensor& kspace,
                          const std::string& header, const at::Tensor& rss = {}) {
  const io::h5::Handle file = create_hdf5(path);
  write_complex(file.get(), "kspace", kspace);
  write_string(file.get(), "ismrmrd_header", header);
  if (rss.defined()) write_floats(file.get(), "reconstruction_rss", rss);
}

// A copy of `from` cut to `fraction` of its size: a truncated file.
inline void truncated_copy(const std::string& from, const std::string& to, double fraction) {
  namespace fs = std::filesystem;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  fs::resize_file(to, static_cast<uintmax_t>(static_cast<double>(fs::file_size(from)) * fraction));
}

}  // namespace melrecon::test_support

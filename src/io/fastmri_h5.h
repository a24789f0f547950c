// fastMRI multicoil HDF5 files (fastmri.org), read with the HDF5 C API.
//
//   kspace              [slices, coils, ky, kx] complex64: an HDF5 compound of two floats (the
//                       real part first; h5py names them "r" and "i")
//   ismrmrd_header      the scanner's ISMRMRD XML header, a string dataset (kept for provenance)
//   reconstruction_rss  [slices, y, x] float32, optional: the root-sum-of-squares image, cropped
//                       to the reconstruction matrix (e.g. 320×320)
//
// melrecon layout: slices → B, coils → C, [ky, kx] → [Y, X], kind 2d. Nothing is resampled: the
// first k-space axis is fastMRI's readout (2× oversampled), the last its phase encoding.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace melrecon::io {

// An open fastMRI file. The constructor checks the layout, so every error (missing file, not
// HDF5, truncated, no `kspace`, wrong rank or element type) is one line naming the file.
class FastmriFile {
 public:
  explicit FastmriFile(const std::string& path);
  ~FastmriFile();
  FastmriFile(FastmriFile&&) noexcept;
  FastmriFile& operator=(FastmriFile&&) noexcept;

  const std::string& path() const;
  // [slices, coils, ky, kx]
  const std::vector<int64_t>& kspace_shape() const;
  int64_t num_slices() const { return kspace_shape()[0]; }

  at::Tensor read_kspace() const;              // [slices, C, Y, X] complex64
  at::Tensor read_slice(int64_t slice) const;  // [1, C, Y, X]: one hyperslab, not the whole file
  std::string ismrmrd_header() const;          // "" when the file has none
  at::Tensor reconstruction_rss() const;       // [slices, y, x] float32; undefined when absent

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace melrecon::io

// fastMRI multicoil HDF5 files (fastmri.org), read with the HDF5 C API.
//
//   kspace              [slices, coils, readout, phase] complex64 (e.g. [16, 16, 640, 368]): an
//                       HDF5 compound of two floats (the real part first; h5py names them "r"
//                       and "i")
//   ismrmrd_header      the scanner's ISMRMRD XML header, a string dataset (kept for provenance)
//   reconstruction_rss  [slices, readout, phase] float32, optional: the root-sum-of-squares
//                       image, cropped to the reconstruction matrix (e.g. 320×320)
//
// melrecon layout (kind 2d): slices → B, coils → C, and the last two axes swapped, so that the
// phase encoding is Y and the readout the last axis X, as everywhere in melrecon (a `2d-lines`
// mask [1, 1, Y, 1] then selects phase-encoding lines). The RSS image is swapped the same way.
// Nothing is resampled: the readout keeps fastMRI's 2× oversampling (X = 640 samples).
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
  // `kspace` as stored: [slices, coils, readout, phase]
  const std::vector<int64_t>& kspace_shape() const;
  // What the reads return: [slices, C, Y, X], Y the phase encoding, X the readout
  std::vector<int64_t> shape() const;
  int64_t num_slices() const { return kspace_shape()[0]; }

  at::Tensor read_kspace() const;              // [slices, C, Y, X] complex64
  at::Tensor read_slice(int64_t slice) const;  // [1, C, Y, X]: one hyperslab, not the whole file
  std::string ismrmrd_header() const;          // "" when the file has none
  at::Tensor reconstruction_rss() const;       // [slices, Y, X] float32; undefined when absent

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace melrecon::io

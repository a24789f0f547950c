// NIfTI-1 single-file images (.nii, and .nii.gz when zlib is available): a 348-byte header,
// then the voxels from vox_offset. A small reader of our own (Debian's NIfTI CMake package is
// broken).
//
// Supported: magic "n+1"; little- and big-endian files (detected from sizeof_hdr = 348);
// datatypes uint8, int8, int16, uint16, int32, float32, float64; scl_slope/scl_inter applied
// when scl_slope is non-zero (value = slope · stored + inter).
#pragma once

#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace melrecon::io {

struct NiftiImage {
  std::vector<int64_t> dims;        // dim[1..dim[0]] as in the header: x (fastest), y, z, t, ...
  std::array<double, 3> spacing{};  // pixdim[1..3], voxel size along x, y, z
  at::Tensor data;                  // float32, C-order shape reverse(dims): [..., t, z, y, x]
};

bool nifti_gz_supported();

// Errors name the file: missing, bad header (sizeof_hdr != 348, bad magic, bad dims, unknown
// datatype), truncated data.
NiftiImage read_nifti(const std::string& path);

// Writes `data` (real, C-order shape [..., t, z, y, x], 1 to 7 dimensions, each below 32768) as
// float32 NIfTI-1, gzip-compressed when `path` ends in ".gz", atomically. `spacing_mm`: voxel
// sizes along x, y, z in millimetres (sform and qform scale by them); all 0: unknown (1, no
// units). Errors name the file.
void write_nifti(const std::string& path, const at::Tensor& data,
                 std::array<double, 3> spacing_mm = {});

}  // namespace melrecon::io

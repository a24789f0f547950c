// A NIfTI-1 writer for tests, independent of the reader in src/io/nifti: header fields written
// byte by byte at their documented offsets, in either byte order.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace melrecon::test_support {

struct NiftiSpec {
  std::vector<int16_t> dims;  // dim[1..]: x, y, z, t
  int16_t datatype = 16;      // 2 uint8, 4 int16, 8 int32, 16 float32, 64 float64
  float slope = 0.0f, inter = 0.0f;
  bool big_endian = false;
  const char* magic = "n+1";
  int32_t sizeof_hdr = 348;
};

inline int bytes_per_voxel(int16_t datatype) {
  switch (datatype) {
    case 2:
    case 256:
      return 1;
    case 4:
    case 512:
      return 2;
    case 8:
    case 16:
      return 4;
    default:
      return 8;
  }
}

// Header (352 bytes with the extension flag) + `data` (raw voxel bytes in host order, x
// fastest); voxels are byte-swapped for a big-endian file.
inline std::vector<char> nifti_bytes(const NiftiSpec& spec, std::vector<char> data) {
  std::vector<char> out(352, 0);
  auto put = [&](size_t offset, const void* value, size_t n) {
    std::memcpy(out.data() + offset, value, n);
    if (spec.big_endian) std::reverse(out.begin() + offset, out.begin() + offset + n);
  };
  put(0, &spec.sizeof_hdr, 4);
  int16_t dim[8] = {static_cast<int16_t>(spec.dims.size()), 1, 1, 1, 1, 1, 1, 1};
  for (size_t i = 0; i < spec.dims.size(); ++i) dim[i + 1] = spec.dims[i];
  for (int i = 0; i < 8; ++i) put(40 + 2 * i, &dim[i], 2);
  const int16_t bitpix = static_cast<int16_t>(8 * bytes_per_voxel(spec.datatype));
  put(70, &spec.datatype, 2);
  put(72, &bitpix, 2);
  const float pixdim[4] = {1.0f, 1.5f, 2.0f, 2.5f};
  for (int i = 0; i < 4; ++i) put(76 + 4 * i, &pixdim[i], 4);
  const float vox_offset = 352.0f;
  put(108, &vox_offset, 4);
  put(112, &spec.slope, 4);
  put(116, &spec.inter, 4);
  std::memcpy(out.data() + 344, spec.magic, 4);
  const int b = bytes_per_voxel(spec.datatype);
  if (spec.big_endian) {
    for (size_t i = 0; i + b <= data.size(); i += b)
      std::reverse(data.begin() + i, data.begin() + i + b);
  }
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

inline void write_file(const std::string& path, const std::vector<char>& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

template <typename T>
std::vector<char> raw_bytes(const std::vector<T>& values) {
  std::vector<char> out(values.size() * sizeof(T));
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

}  // namespace melrecon::test_support

// The NIfTI-1 writer (the reader is nifti.cpp): a 348-byte header, 4 bytes of (no) extension,
// float32 voxels, in this machine's byte order (readers detect it from sizeof_hdr).
#include <ATen/ATen.h>
#include <fmt/format.h>

#include <cstring>
#include <ostream>
#include <vector>

#include "core/config.h"
#include "core/error.h"
#include "core/tensor_checks.h"
#include "io/atomic_file.h"
#include "io/nifti.h"

#if MELRECON_HAVE_ZLIB
#include <zlib.h>
#endif

namespace melrecon::io {
namespace {

constexpr int32_t kNiftiHeaderBytes = 348;
constexpr int32_t kNiftiVoxelOffset = 352;

template <typename T>
void put(std::vector<char>& header, size_t offset, T value) {
  std::memcpy(header.data() + offset, &value, sizeof(T));
}

std::vector<char> nifti_header(const std::vector<int64_t>& dims, std::array<double, 3> spacing) {
  std::vector<char> h(kNiftiVoxelOffset, 0);
  put<int32_t>(h, 0, kNiftiHeaderBytes);
  h[38] = 'r';  // regular
  put<int16_t>(h, 40, static_cast<int16_t>(dims.size()));
  for (size_t d = 0; d < 7; ++d) {  // unused dimensions are 1, as readers expect
    put<int16_t>(h, 42 + 2 * d, d < dims.size() ? static_cast<int16_t>(dims[d]) : int16_t{1});
  }
  put<int16_t>(h, 70, 16);  // datatype float32
  put<int16_t>(h, 72, 32);  // bits per voxel
  const bool known = spacing[0] > 0 && spacing[1] > 0 && spacing[2] > 0;
  put<float>(h, 76, 1.0f);  // qfac
  for (int d = 0; d < 3; ++d)
    put<float>(h, 80 + 4 * d, known ? static_cast<float>(spacing[d]) : 1.0f);
  for (int d = 3; d < 7; ++d) put<float>(h, 80 + 4 * d, 1.0f);
  put<float>(h, 108, static_cast<float>(kNiftiVoxelOffset));
  put<float>(h, 112, 1.0f);                                        // scl_slope
  h[123] = known ? 2 : 0;                                          // xyzt_units: millimetres
  std::strncpy(h.data() + 148, "melrecon " MELRECON_VERSION, 79);  // descrip
  // qform: identity rotation scaled by pixdim; sform: the same as an explicit matrix.
  put<int16_t>(h, 252, 1);
  put<int16_t>(h, 254, 1);
  for (int row = 0; row < 3; ++row) {
    put<float>(h, 280 + 16 * row + 4 * row, known ? static_cast<float>(spacing[row]) : 1.0f);
  }
  std::memcpy(h.data() + 344, "n+1\0", 4);
  return h;
}

#if MELRECON_HAVE_ZLIB
std::vector<char> gzip(const std::vector<char>& bytes, const std::string& path) {
  MELRECON_CHECK(bytes.size() < (size_t{1} << 32),
                 "{}: over 4 GiB, too large to compress in one go; write .nii", path);
  z_stream z{};
  MELRECON_CHECK(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK,
                 "{}: cannot start gzip compression", path);
  std::vector<char> out(deflateBound(&z, bytes.size()));
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  MELRECON_CHECK(status == Z_STREAM_END, "{}: gzip compression failed", path);
  return out;
}
#endif

}  // namespace

void write_nifti(const std::string& path, const at::Tensor& data,
                 std::array<double, 3> spacing_mm) {
  MELRECON_CHECK(data.dim() >= 1 && data.dim() <= 7 && !data.is_complex(),
                 "{}: NIfTI holds real images of 1 to 7 dimensions, not {}{}", path,
                 data.is_complex() ? "complex " : "", core::shape_string(data.sizes()));
  std::vector<int64_t> dims(data.sizes().rbegin(), data.sizes().rend());  // x fastest
  for (int64_t n : dims) {
    MELRECON_CHECK(n >= 1 && n <= 32767, "{}: NIfTI sizes must lie in [1, 32767], not {}", path,
                   core::shape_string(data.sizes()));
  }
  const at::Tensor voxels = data.to(at::kCPU, at::kFloat).contiguous();
  std::vector<char> bytes = nifti_header(dims, spacing_mm);
  const auto* begin = static_cast<const char*>(voxels.data_ptr());
  bytes.insert(bytes.end(), begin, begin + voxels.numel() * sizeof(float));
  const bool gz = path.size() >= 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
#if MELRECON_HAVE_ZLIB
  if (gz) bytes = gzip(bytes, path);
#else
  MELRECON_CHECK(!gz, "{}: .nii.gz needs zlib, which was not found when melrecon was configured",
                 path);
#endif
  write_file_atomically(path, [&](std::ostream& out) {
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  });
}

}  // namespace melrecon::io

#include "io/nifti.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>

#include "core/config.h"
#include "core/error.h"
#include "core/tensor_checks.h"

#if MELRECON_HAVE_ZLIB
#include <zlib.h>
#endif

namespace melrecon::io {
namespace {

constexpr int32_t kHeaderSize = 348;
// A source image is one volume; more than this decompressed is a corrupt file or a gzip bomb.
constexpr int64_t kMaxBytes = int64_t{8} << 30;

// The whole file, decompressed when it is gzip (zlib reads plain files unchanged).
std::vector<char> read_bytes(const std::string& path) {
#if MELRECON_HAVE_ZLIB
  gzFile file = gzopen(path.c_str(), "rb");
  MELRECON_CHECK(file != nullptr, "{}: cannot open (missing file?)", path);
  std::vector<char> bytes;
  char chunk[1 << 16];
  int n = 0;
  while ((n = gzread(file, chunk, sizeof(chunk))) > 0) {
    bytes.insert(bytes.end(), chunk, chunk + n);
    if (static_cast<int64_t>(bytes.size()) > kMaxBytes) {
      gzclose(file);
      core::fail("{}: decompresses to more than {} GiB, more than a NIfTI source may be", path,
                 kMaxBytes >> 30);
    }
  }
  int status = Z_OK;
  const char* reason = gzerror(file, &status);
  const std::string message = reason ? reason : "";
  gzclose(file);
  MELRECON_CHECK(n == 0 && (status == Z_OK || status == Z_STREAM_END),
                 "{}: corrupt or truncated gzip data ({})", path, message);
  return bytes;
#else
  const bool gz = path.size() >= 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
  MELRECON_CHECK(!gz, "{}: .nii.gz needs zlib, which was not found when melrecon was configured",
                 path);
  std::ifstream in(path, std::ios::binary);
  MELRECON_CHECK(in.good(), "{}: cannot open (missing file?)", path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
#endif
}

// Reads a field of the header at `offset`, swapping bytes for a file of the other endianness.
class Header {
 public:
  Header(const std::vector<char>& bytes, bool swap) : bytes_(bytes), swap_(swap) {}
  template <typename T>
  T get(size_t offset) const {
    char raw[sizeof(T)];
    std::memcpy(raw, bytes_.data() + offset, sizeof(T));
    if (swap_) std::reverse(raw, raw + sizeof(T));
    T value;
    std::memcpy(&value, raw, sizeof(T));
    return value;
  }

 private:
  const std::vector<char>& bytes_;
  bool swap_;
};

int32_t byte_swapped(int32_t v) {
  char raw[4];
  std::memcpy(raw, &v, 4);
  std::reverse(raw, raw + 4);
  std::memcpy(&v, raw, 4);
  return v;
}

struct Datatype {
  int16_t code;
  at::ScalarType type;  // uint16 is read as int16 and wrapped afterwards
  int bytes;
  const char* name;
};

constexpr Datatype kDatatypes[] = {{2, at::kByte, 1, "uint8"},     {256, at::kChar, 1, "int8"},
                                   {4, at::kShort, 2, "int16"},    {512, at::kShort, 2, "uint16"},
                                   {8, at::kInt, 4, "int32"},      {16, at::kFloat, 4, "float32"},
                                   {64, at::kDouble, 8, "float64"}};

Datatype datatype_of(int16_t code, const std::string& path) {
  for (const Datatype& d : kDatatypes) {
    if (d.code == code) return d;
  }
  core::fail(
      "{}: unsupported NIfTI datatype {} (supported: uint8, int8, int16, uint16, int32, "
      "float32, float64)",
      path, code);
}

}  // namespace

bool nifti_gz_supported() { return MELRECON_HAVE_ZLIB != 0; }

NiftiImage read_nifti(const std::string& path) {
  const std::vector<char> bytes = read_bytes(path);
  MELRECON_CHECK(bytes.size() >= static_cast<size_t>(kHeaderSize),
                 "{}: bad NIfTI header: the file has {} bytes, a header needs {}", path,
                 bytes.size(), kHeaderSize);
  int32_t sizeof_hdr = 0;
  std::memcpy(&sizeof_hdr, bytes.data(), 4);
  const bool swap = sizeof_hdr != kHeaderSize && byte_swapped(sizeof_hdr) == kHeaderSize;
  MELRECON_CHECK(sizeof_hdr == kHeaderSize || swap,
                 "{}: bad NIfTI header: sizeof_hdr is {}, expected 348 (not a NIfTI-1 file?)", path,
                 sizeof_hdr);
  MELRECON_CHECK(std::memcmp(bytes.data() + 344, "n+1\0", 4) == 0,
                 "{}: bad NIfTI header: magic is not \"n+1\" (only single-file .nii is supported)",
                 path);
  const Header h(bytes, swap);
  const int16_t rank = h.get<int16_t>(40);
  MELRECON_CHECK(rank >= 1 && rank <= 7, "{}: bad NIfTI header: dim[0] = {} (expected 1 to 7)",
                 path, rank);
  NiftiImage image;
  for (int d = 1; d <= rank; ++d) {
    const int16_t n = h.get<int16_t>(40 + 2 * d);
    MELRECON_CHECK(n >= 1, "{}: bad NIfTI header: dim[{}] = {}", path, d, n);
    image.dims.push_back(n);
  }
  for (int d = 0; d < 3; ++d) image.spacing[d] = h.get<float>(80 + 4 * d);
  const int16_t code = h.get<int16_t>(70);
  const Datatype type = datatype_of(code, path);
  const float vox_offset = h.get<float>(108);
  const auto file_bytes = static_cast<int64_t>(bytes.size());
  MELRECON_CHECK(
      std::isfinite(vox_offset) && vox_offset >= 0 && vox_offset <= static_cast<float>(file_bytes),
      "{}: bad NIfTI header: vox_offset {} is outside the file ({} bytes)", path, vox_offset,
      file_bytes);
  const int64_t offset = std::max<int64_t>(352, static_cast<int64_t>(vox_offset));
  // Overflow-checked: seven int16 sizes can multiply past 2^63; then compared with the file.
  const int64_t needed =
      core::checked_bytes(image.dims, type.bytes, std::numeric_limits<int64_t>::max(), path);
  const int64_t count = needed / type.bytes;
  MELRECON_CHECK(
      static_cast<int64_t>(bytes.size()) >= offset + needed,
      "{}: truncated NIfTI data: {} {} voxels need {} bytes after offset {}, the file has "
      "{}",
      path, count, type.name, needed, offset, static_cast<int64_t>(bytes.size()) - offset);

  std::vector<char> raw(bytes.begin() + offset, bytes.begin() + offset + needed);
  if (swap && type.bytes > 1) {
    for (int64_t i = 0; i < count; ++i) {
      std::reverse(raw.begin() + i * type.bytes, raw.begin() + (i + 1) * type.bytes);
    }
  }
  at::Tensor values = at::from_blob(raw.data(), {count}, type.type).to(at::kDouble);
  if (code == 512) values = values.remainder(65536.0);  // uint16 read as int16
  const float slope = h.get<float>(112), inter = h.get<float>(116);
  if (slope != 0.0f && std::isfinite(slope)) {
    MELRECON_CHECK(std::isfinite(inter), "{}: bad NIfTI header: scl_inter is {}", path, inter);
    values = values * slope + inter;
  }
  image.data =
      values.to(at::kFloat).reshape(std::vector<int64_t>(image.dims.rbegin(), image.dims.rend()));
  return image;
}

}  // namespace melrecon::io

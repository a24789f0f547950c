#include "io/cfl.h"

#include <ATen/ATen.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/error.h"
#include "core/tensor_checks.h"
#include "io/atomic_file.h"

namespace melrecon::io {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<int64_t> reversed(std::vector<int64_t> v) {
  std::reverse(v.begin(), v.end());
  return v;
}

int64_t product(const std::vector<int64_t>& v) {
  int64_t n = 1;
  for (int64_t d : v) n *= d;
  return n;
}

std::vector<int64_t> parse_dims_line(const std::string& line, const std::string& hdr) {
  std::istringstream in(line);
  std::vector<int64_t> dims;
  std::string token;
  while (in >> token) {
    size_t used = 0;
    long long value = 0;
    try {
      value = std::stoll(token, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    MELRECON_CHECK(used == token.size(), "{}: corrupt header: dimension '{}' is not an integer",
                   hdr, token);
    MELRECON_CHECK(value > 0, "{}: corrupt header: dimension {} is {}, must be positive", hdr,
                   dims.size(), value);
    dims.push_back(value);
  }
  MELRECON_CHECK(!dims.empty(), "{}: corrupt header: no sizes after '# Dimensions'", hdr);
  MELRECON_CHECK(dims.size() <= kBartDims,
                 "{}: corrupt header: {} dimensions, BART allows at most {}", hdr, dims.size(),
                 kBartDims);
  dims.resize(kBartDims, 1);
  return dims;
}

}  // namespace

std::string cfl_base_name(const std::string& path) {
  if (ends_with(path, ".cfl") || ends_with(path, ".hdr")) return path.substr(0, path.size() - 4);
  return path;
}

std::vector<int64_t> read_cfl_dims(const std::string& path) {
  const std::string hdr = cfl_base_name(path) + ".hdr";
  std::ifstream in(hdr);
  MELRECON_CHECK(in.good(), "{}: cannot open header (missing file?)", hdr);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# Dimensions", 0) == 0) {
      std::string sizes;
      MELRECON_CHECK(static_cast<bool>(std::getline(in, sizes)),
                     "{}: corrupt header: nothing after '# Dimensions'", hdr);
      return parse_dims_line(sizes, hdr);
    }
  }
  core::fail("{}: corrupt header: no '# Dimensions' section", hdr);
}

CflArray read_cfl(const std::string& path) {
  const std::string base = cfl_base_name(path);
  CflArray array;
  array.dims = read_cfl_dims(base);
  const std::string cfl = base + ".cfl";
  std::error_code ec;
  const auto found = std::filesystem::file_size(cfl, ec);
  MELRECON_CHECK(!ec, "{}: cannot open data file (missing file?)", cfl);
  // Overflow-checked; then it must equal the file's size.
  const int64_t expected =
      core::checked_bytes(array.dims, 8, std::numeric_limits<int64_t>::max(), cfl);
  MELRECON_CHECK(
      static_cast<int64_t>(found) == expected,
      "{}: data file has {} bytes but its header {} asks for {} (truncated or mismatched)", cfl,
      found, core::shape_string(array.dims), expected);
  try {
    array.data = at::empty(reversed(array.dims), at::kComplexFloat);
  } catch (const std::exception&) {  // std::bad_alloc or LibTorch's allocator error
    core::fail("{}: its data ({}, {:.1f} GiB) does not fit in this machine's memory", cfl,
               core::shape_string(array.dims), static_cast<double>(expected) / (1 << 30));
  }
  std::ifstream in(cfl, std::ios::binary);
  in.read(static_cast<char*>(array.data.data_ptr()), expected);
  MELRECON_CHECK(in.gcount() == expected, "{}: read only {} of {} bytes", cfl, in.gcount(),
                 expected);
  return array;
}

void write_cfl(const std::string& path, const std::vector<int64_t>& dims, const at::Tensor& data) {
  const std::string base = cfl_base_name(path);
  MELRECON_CHECK(!std::filesystem::path(base).filename().empty(),
                 "'{}': not a file name (BART writes <name>.cfl and <name>.hdr)", path);
  MELRECON_CHECK(!dims.empty() && dims.size() <= kBartDims,
                 "{}.hdr: cannot write {} dimensions (BART allows 1 to {})", base, dims.size(),
                 kBartDims);
  MELRECON_CHECK(product(dims) == data.numel(), "{}.cfl: dimensions {} hold {} values, data has {}",
                 base, core::shape_string(dims), product(dims), data.numel());
  const at::Tensor values = data.to(at::kCPU, at::kComplexFloat).contiguous();
  std::vector<int64_t> padded = dims;
  padded.resize(kBartDims, 1);
  write_file_atomically(base + ".cfl", [&](std::ostream& out) {
    out.write(static_cast<const char*>(values.data_ptr()), values.numel() * 8);
  });
  write_file_atomically(base + ".hdr", [&](std::ostream& out) {
    out << "# Dimensions\n";
    for (size_t i = 0; i < padded.size(); ++i) out << (i ? " " : "") << padded[i];
    out << "\n";
  });
}

}  // namespace melrecon::io

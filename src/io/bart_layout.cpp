#include "io/bart_layout.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "core/error.h"
#include "core/tensor_checks.h"

namespace melrecon::io {
namespace {

constexpr int kRead = 0, kPhs1 = 1, kPhs2 = 2, kCoil = 3, kTime = 10, kSlice = 13, kBatch = 15;
const char* const kBartNames[kBartDims] = {"READ",  "PHS1",   "PHS2", "COIL",   "MAPS", "TE",
                                           "COEFF", "COEFF2", "ITER", "CSHIFT", "TIME", "TIME2",
                                           "LEVEL", "SLICE",  "AVG",  "BATCH"};

// BART dims of melrecon's axes, in melrecon order, for a role and kind.
std::vector<int> bart_axes(Role role, DataKind kind, int batch_dim) {
  std::vector<int> axes{batch_dim};
  if (role == Role::kspace || role == Role::maps || role == Role::mask) axes.push_back(kCoil);
  if (kind == DataKind::volume3d) axes.push_back(kPhs2);
  if (kind == DataKind::cine) axes.push_back(kTime);
  axes.push_back(kPhs1);
  axes.push_back(kRead);
  return axes;
}

int batch_dim_of(const std::vector<int64_t>& dims, const std::string& file) {
  MELRECON_CHECK(dims[kSlice] == 1 || dims[kBatch] == 1,
                 "{}: both SLICE ({}) and BATCH ({}) are > 1; melrecon has one batch axis", file,
                 dims[kSlice], dims[kBatch]);
  return dims[kSlice] > 1 ? kSlice : kBatch;
}

// The first axis where maps do not fit k-space, or -1.
int64_t first_misfit(at::IntArrayRef maps, at::IntArrayRef kspace, DataKind kind) {
  if (maps.size() != kspace.size()) return 0;
  for (size_t d = 0; d < maps.size(); ++d) {
    const bool batch = d == 0 && maps[d] == 1;
    const bool frames = d == 2 && kind == DataKind::cine && maps[d] == 1;
    if (maps[d] != kspace[d] && !batch && !frames) return static_cast<int64_t>(d);
  }
  return -1;
}

}  // namespace

bool maps_fit(at::IntArrayRef maps, at::IntArrayRef kspace, DataKind kind) {
  return first_misfit(maps, kspace, kind) < 0;
}

void check_maps_fit(at::IntArrayRef maps, at::IntArrayRef kspace, DataKind kind,
                    const std::string& file) {
  const int64_t d = first_misfit(maps, kspace, kind);
  MELRECON_CHECK(d < 0, "{}: maps shape {} does not match k-space shape {} (axis {}{})", file,
                 core::shape_string(maps), core::shape_string(kspace), d,
                 kind == DataKind::cine ? "; cine maps may have 1 frame" : "");
}

int64_t spatial_rank(DataKind kind) { return kind == DataKind::image2d ? 2 : 3; }

const char* spatial_axis_names(DataKind kind) {
  if (kind == DataKind::image2d) return "Y,X";
  return kind == DataKind::cine ? "T,Y,X" : "Z,Y,X";
}

DataKind infer_kind(const std::vector<int64_t>& dims, const std::string& file) {
  MELRECON_CHECK(!(dims[kPhs2] > 1 && dims[kTime] > 1),
                 "{}: both PHS2 ({}) and TIME ({}) are > 1; 3D+time data is not supported", file,
                 dims[kPhs2], dims[kTime]);
  if (dims[kTime] > 1) return DataKind::cine;
  if (dims[kPhs2] > 1) return DataKind::volume3d;
  return DataKind::image2d;
}

at::Tensor from_bart(const CflArray& array, Role role, DataKind kind, const std::string& file) {
  const auto& dims = array.dims;
  const std::vector<int> axes = bart_axes(role, kind, batch_dim_of(dims, file));
  for (int d = 0; d < kBartDims; ++d) {
    if (std::find(axes.begin(), axes.end(), d) != axes.end()) continue;
    MELRECON_CHECK(dims[d] == 1,
                   "{}: BART dimension {} ({}) is {}, but {} {} data needs it to be 1", file, d,
                   kBartNames[d], dims[d], core::choice_name(kind),
                   role == Role::kspace  ? "k-space"
                   : role == Role::maps  ? "coil-map"
                   : role == Role::image ? "image"
                                         : "mask");
  }
  // array.data has shape reverse(dims): BART dim d is tensor axis 15 - d. Bring the layout's
  // axes to the front in melrecon order; the rest are all 1 and vanish in the reshape.
  std::vector<int64_t> order;
  std::vector<int64_t> sizes;
  for (int d : axes) {
    order.push_back(kBartDims - 1 - d);
    sizes.push_back(dims[d]);
  }
  for (int64_t a = 0; a < kBartDims; ++a) {
    if (std::find(order.begin(), order.end(), a) == order.end()) order.push_back(a);
  }
  return array.data.permute(order).reshape(sizes).contiguous();
}

CflArray to_bart(const at::Tensor& tensor, Role role, DataKind kind) {
  const std::vector<int> axes = bart_axes(role, kind, kBatch);
  MELRECON_CHECK(tensor.dim() == static_cast<int64_t>(axes.size()),
                 "to_bart: a {} tensor must have rank {}, found shape {}", core::choice_name(kind),
                 axes.size(), core::shape_string(tensor.sizes()));
  CflArray array;
  array.dims.assign(kBartDims, 1);
  for (size_t i = 0; i < axes.size(); ++i) array.dims[axes[i]] = tensor.size(i);
  // Order the tensor's axes as BART dims from last (slowest) to first (fastest).
  std::vector<int64_t> order;
  for (int d = kBartDims - 1; d >= 0; --d) {
    auto it = std::find(axes.begin(), axes.end(), d);
    if (it != axes.end()) order.push_back(it - axes.begin());
  }
  array.data = tensor.permute(order).contiguous().reshape(
      std::vector<int64_t>(array.dims.rbegin(), array.dims.rend()));
  return array;
}

at::Tensor read_bart(const std::string& path, Role role, DataKind kind) {
  const std::string file = cfl_base_name(path) + ".cfl";
  return from_bart(read_cfl(path), role, kind, file);
}

void write_bart(const std::string& path, const at::Tensor& tensor, Role role, DataKind kind) {
  const CflArray array = to_bart(tensor, role, kind);
  write_cfl(path, array.dims, array.data);
}

}  // namespace melrecon::io

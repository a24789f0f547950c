// Between BART's dimension order and melrecon's tensor layout.
//
//   BART dim (index)            melrecon axis
//   READ  (0)  x                last spatial axis  X
//   PHS1  (1)  y                spatial axis       Y
//   PHS2  (2)  z                spatial axis       Z   (3D volumes)
//   TIME  (10) t                spatial axis       T   (2D+time cine)
//   COIL  (3)                   C                      (k-space, coil maps)
//   SLICE (13) or BATCH (15)    B
//
// melrecon tensors: k-space and maps [B, C, *S], images [B, *S], masks [B or 1, 1, *S] with
// *S = [Y, X] (2D), [Z, Y, X] (3D) or [T, Y, X] (cine). Any other BART dimension must be 1.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

#include "core/choices.h"
#include "io/cfl.h"

namespace melrecon::io {

enum class DataKind { image2d, volume3d, cine };
enum class Role { kspace, maps, image, mask };

constexpr core::Choices<DataKind, 3> choices(DataKind) {
  return {"data kind",
          {{{DataKind::image2d, "2d"}, {DataKind::volume3d, "3d"}, {DataKind::cine, "cine"}}}};
}
constexpr core::Choices<Role, 4> choices(Role) {
  return {"array role",
          {{{Role::kspace, "kspace"},
            {Role::maps, "maps"},
            {Role::image, "image"},
            {Role::mask, "mask"}}}};
}

// The spatial axes *S of each kind: 2 (Y, X) or 3 (Z, Y, X / T, Y, X), and their names.
int64_t spatial_rank(DataKind kind);
const char* spatial_axis_names(DataKind kind);

// 2D if PHS2 and TIME are 1, 3D if PHS2 > 1, cine if TIME > 1 (both > 1: an error).
DataKind infer_kind(const std::vector<int64_t>& bart_dims, const std::string& file);

// Converts a read .cfl to melrecon's layout for `role` and `kind`; errors name `file`.
at::Tensor from_bart(const CflArray& array, Role role, DataKind kind, const std::string& file);

// Whether coil maps [B|1, C, *S] fit k-space [B, C, *S]: the same coils and spatial shape, except
// that cine maps may have one frame (maps do not change over time; stored without BART's TIME
// dimension, as BART does, and broadcast over the frames by SenseOp).
bool maps_fit(at::IntArrayRef maps, at::IntArrayRef kspace, DataKind kind);
// The same as a check whose message names `file` and the first axis that does not fit.
void check_maps_fit(at::IntArrayRef maps, at::IntArrayRef kspace, DataKind kind,
                    const std::string& file);

// The inverse: BART dims + data (C-order reverse of the dims) ready for write_cfl.
CflArray to_bart(const at::Tensor& tensor, Role role, DataKind kind);

// Convenience: read and convert, write after converting.
at::Tensor read_bart(const std::string& path, Role role, DataKind kind);
void write_bart(const std::string& path, const at::Tensor& tensor, Role role, DataKind kind);

}  // namespace melrecon::io

// One reconstruction case read from BART files: k-space, coil maps and the sampling mask,
// checked against each other so that a problem is reported with the file that has it.
#pragma once

#include <ATen/core/Tensor.h>

#include <optional>
#include <string>

#include "io/bart_layout.h"

namespace melrecon::io {

struct CaseFiles {
  std::string kspace;
  std::string maps;
  std::string mask;              // empty: the mask is where k-space is non-zero (as BART does)
  std::optional<DataKind> kind;  // empty: inferred from the k-space header
};

struct Case {
  at::Tensor kspace;  // [B, C, *S] complex64
  at::Tensor maps;    // [B or 1, C, *S] complex64
  at::Tensor mask;    // [B or 1, 1, *S] float32, broadcastable to k-space
  DataKind kind = DataKind::image2d;
};

Case load_case(const CaseFiles& files);

// The sampling pattern of acquired data: 1 where any coil has a non-zero sample.
at::Tensor mask_from_kspace(const at::Tensor& kspace);

// An error naming `file` when every coil map is zero: no coil would see the image.
void check_maps_not_zero(const at::Tensor& maps, const std::string& file);

// Errors name `file` when `mask` cannot broadcast against `kspace` or is not finite.
void check_mask_fits(const at::Tensor& mask, const at::Tensor& kspace, const std::string& file);

}  // namespace melrecon::io

// BART .cfl/.hdr files: complex float32 data, column-major (BART dimension 0 fastest).
//
// Mapping to LibTorch: a C-order (row-major) tensor whose shape is the BART dimensions in
// reverse order has exactly the bytes of the .cfl file. So BART dims [d0, d1, ..., d15] are
// read as a tensor of shape [d15, ..., d1, d0] without any copy or transpose; see
// io/bart_layout.h for the step to melrecon's [B, C, *S] conventions.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace melrecon::io {

constexpr int kBartDims = 16;

// A .cfl array: BART dims (always 16, padded with 1s) and the data as a complex64 tensor of
// shape reverse(dims).
struct CflArray {
  std::vector<int64_t> dims;
  at::Tensor data;
};

// "x", "x.cfl" and "x.hdr" all name the pair x.hdr + x.cfl.
std::string cfl_base_name(const std::string& path);

// Reads the header only. Errors name the .hdr file: missing, no "# Dimensions" section,
// non-numeric or non-positive sizes, more than 16 dimensions.
std::vector<int64_t> read_cfl_dims(const std::string& path);

// Reads header and data. Errors name the file: those of read_cfl_dims, a missing .cfl, or a
// .cfl whose size differs from the header's (truncated or too long).
CflArray read_cfl(const std::string& path);

// Writes `dims` (at most 16) and `data` (any complex or real tensor with prod(dims) elements;
// converted to complex64, C-order = reverse(dims)). The data file is written to a temporary
// name and renamed, so readers never see half a file.
void write_cfl(const std::string& path, const std::vector<int64_t>& dims, const at::Tensor& data);

}  // namespace melrecon::io

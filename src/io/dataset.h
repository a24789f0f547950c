// A melrecon dataset: a folder of cases in BART files plus an index, the layout written by
// `melrecon simulate` and `melrecon convert` and read by training and evaluation.
//
//   <dataset>/dataset.json      {"format": "melrecon-dataset", "version": 1, "kind":
//   "2d"|"3d"|"cine",
//                                "cases": ["case_0000", ...], "fft_axes": [...], ...}
//   <dataset>/<case>/kspace     fully sampled multi-coil k-space [B, C, *S]  (required)
//   <dataset>/<case>/maps       coil sensitivities [B or 1, C, *S]           (optional)
//   <dataset>/<case>/reference  reference image [B, *S]                      (optional)
//   <dataset>/<case>/mask       a fixed sampling mask [B or 1, 1, *S]        (optional)
//
// B is the number of independent examples in a case (e.g. the slices of a 2D volume).
// When maps are missing, training estimates them (ESPIRiT) once and caches them in the case
// folder as maps; when the reference is missing it is the coil combination Σ conj(S)·F⁻¹y.
#pragma once

#include <ATen/core/Tensor.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "io/bart_layout.h"

namespace melrecon::io {

// The index that makes a folder a dataset.
constexpr const char* kDatasetIndex = "dataset.json";

struct DatasetInfo {
  DataKind kind = DataKind::image2d;
  std::vector<std::string> cases;
  std::vector<int64_t> fft_axes;  // spatial axes Fourier-encoded; empty = kind's default
  nlohmann::json extra = nlohmann::json::object();  // provenance: generator, seed, source files
};

struct CaseData {
  at::Tensor kspace;     // required
  at::Tensor maps;       // may be undefined
  at::Tensor reference;  // may be undefined
  at::Tensor mask;       // may be undefined
};

// The FFT axes a kind uses by default: all spatial axes, or (Y, X) per frame for cine.
std::vector<int64_t> default_fft_axes(DataKind kind);

void write_dataset_info(const std::string& dir, const DatasetInfo& info);
// Errors name dataset.json: missing, not JSON, wrong format, unknown kind, missing case folder.
DatasetInfo read_dataset_info(const std::string& dir);

void write_case(const std::string& dir, const std::string& name, const CaseData& data,
                DataKind kind);
// Reads what exists; errors name the file with the problem (shapes that do not fit, NaN).
CaseData read_case(const std::string& dir, const std::string& name, DataKind kind);

}  // namespace melrecon::io

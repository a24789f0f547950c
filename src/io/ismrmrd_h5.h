// ISMRMRD HDF5 files (ismrmrd.github.io) read with libismrmrd: the group (default "dataset")
// holds `xml`, the ISMRMRD XML header, and `data`, the acquisitions. Placement in melrecon's
// [B, C, *S] k-space is described in io/ismrmrd_layout.h.
//
// Acquisitions used: imaging lines and parallel-calibration lines (both are samples of the same
// Cartesian encoding) of encoding space 0. Skipped: noise measurements, navigators, phase-
// correction, dummy-scan, feedback, surface-coil-correction and phase-stabilisation data, and
// other encoding spaces. Samples acquired more than once (averages, calibration lines that repeat
// imaging lines) are averaged; positions never acquired stay zero. Reversed (EPI) readouts and
// several contrasts or sets are refused.
#pragma once

#include <ATen/core/Tensor.h>

#include <nlohmann/json.hpp>
#include <string>

#include "io/bart_layout.h"

namespace melrecon::io {

struct IsmrmrdData {
  at::Tensor kspace;  // [B, C, *S] complex64
  DataKind kind = DataKind::image2d;
  std::string header_xml;
  nlohmann::json provenance;  // matrices, acquisitions used and skipped, readout cropping
};

// Errors are one line naming the file: missing, not HDF5, truncated, no group / header /
// acquisitions, a header that does not parse, acquisitions that do not fit the header.
IsmrmrdData read_ismrmrd(const std::string& path, const std::string& group = "dataset");

}  // namespace melrecon::io

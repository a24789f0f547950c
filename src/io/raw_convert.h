// `melrecon convert`: raw scanner files (fastMRI or ISMRMRD HDF5) into a melrecon dataset
// (io/dataset.h), one case per input file: case_0000, case_0001, ... in the order given.
//
// Besides `kspace`, a case folder gets
//   header.xml           the input's ISMRMRD XML header, verbatim (provenance), when it has one
//   reconstruction_rss   fastMRI's root-sum-of-squares image [B, Y, X] as a BART image, if present
// and dataset.json's extra fields record {"generator": "melrecon convert", "sources": [{"case",
// "file", "format", ...what the reader reports}]}.
#pragma once

#include <string>
#include <vector>

#include "core/choices.h"
#include "io/dataset.h"

namespace melrecon::io {

enum class RawFormat { automatic, fastmri, ismrmrd };

constexpr core::Choices<RawFormat, 3> choices(RawFormat) {
  return {"raw format",
          {{{RawFormat::automatic, "auto"},
            {RawFormat::fastmri, "fastmri"},
            {RawFormat::ismrmrd, "ismrmrd"}}}};
}

// Whether this build can read the format (fastMRI needs HDF5, ISMRMRD needs libismrmrd).
bool raw_format_available(RawFormat format);

// fastmri when the HDF5 file has a `kspace` dataset, ismrmrd when it has a `dataset` group; else
// an error naming the file.
RawFormat detect_raw_format(const std::string& path);

// Converts every input into the dataset folder `dir`, written as a whole (io/folder_output.h: a
// non-empty `dir` only with `overwrite`); all must hold the same kind of data (2d, 3d or cine).
// Errors name the input file; a format this build cannot read says so.
DatasetInfo convert_raw_files(const std::vector<std::string>& inputs, const std::string& dir,
                              RawFormat format, bool overwrite = false);

}  // namespace melrecon::io

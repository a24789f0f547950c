// Where the acquisitions of an ISMRMRD file go in melrecon's k-space [B, C, *S], decided from
// the XML header's first encoding (ISMRMRD::deserialize):
//
//   readout sample s          -> X = s - center_sample + Nx/2        Nx: encoded matrix x
//   kspace_encode_step_1 e1   -> Y = e1 - limits.step_1.center + Ny/2
//   kspace_encode_step_2 e2   -> Z = e2 - limits.step_2.center + Nz/2 (3D: Nz > 1)
//   slice                     -> B                                   (2D multislice, 3D slabs)
//   phase, else repetition    -> T                                   (cine: more than one)
//
// kind: 3d when the encoded matrix z > 1, cine when the phase (or else repetition) limit spans
// more than one value, 2d otherwise. A missing step limit centres at N/2. Readout oversampling:
// when the recon matrix x is smaller than the encoded x at the same resolution (field-of-view
// ratio equal to the matrix ratio), readouts are cropped to the recon x in image space.
#pragma once

#include <ismrmrd/ismrmrd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "io/bart_layout.h"

namespace melrecon::io {

struct IsmrmrdLayout {
  DataKind kind = DataKind::image2d;
  int64_t nx = 0, ny = 0, nz = 1;  // encoded matrix
  int64_t centre_y = 0, centre_z = 0;
  int64_t slices = 1;
  int64_t frames = 1;
  bool frames_from_phase = true;  // T counts `phase`, else `repetition`
  int64_t recon_x = 0;            // readout length after removing oversampling (nx if none)

  // Extent of the axis between C and Y while filling: Nz (3d), T (cine) or 1 (2d).
  int64_t lead() const { return kind == DataKind::volume3d ? nz : frames; }

  // [b, lead, y] of an acquisition's counters; an error names `file`, the acquisition and the
  // counter outside the header's limits.
  struct Position {
    int64_t b, lead, y;
  };
  Position place(const ISMRMRD::ISMRMRD_EncodingCounters& idx, const std::string& file,
                 uint32_t acquisition) const;
};

// Errors name `file`: XML that does not parse, no encoding, a non-Cartesian trajectory, both
// phases and repetitions varying, 3D with several frames.
IsmrmrdLayout layout_from_header(const std::string& xml, const std::string& file);

}  // namespace melrecon::io

#include "io/ismrmrd_layout.h"

#include <ismrmrd/xml.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace melrecon::io {
namespace {

using ISMRMRD::Limit;
using ISMRMRD::Optional;

int64_t count_of(const Optional<Limit>& limit) {
  return limit ? static_cast<int64_t>(limit->maximum) + 1 : 1;
}

int64_t centre_of(const Optional<Limit>& limit, int64_t size) {
  return limit ? static_cast<int64_t>(limit->center) : size / 2;
}

// Index of an encode step on an axis of `size` samples, or an error.
int64_t step_index(int64_t counter, int64_t centre, int64_t size, const char* name,
                   const std::string& file, uint32_t acquisition) {
  const int64_t index = counter - centre + size / 2;
  MELRECON_CHECK(index >= 0 && index < size,
                 "{}: acquisition {} has {} {}, outside the encoded matrix of {} (centre {})", file,
                 acquisition, name, counter, size, centre);
  return index;
}

int64_t counter_index(int64_t counter, int64_t count, const char* name, const std::string& file,
                      uint32_t acquisition) {
  MELRECON_CHECK(counter < count, "{}: acquisition {} has {} {}, outside the header's limits 0..{}",
                 file, acquisition, name, counter, count - 1);
  return counter;
}

}  // namespace

IsmrmrdLayout::Position IsmrmrdLayout::place(const ISMRMRD::ISMRMRD_EncodingCounters& idx,
                                             const std::string& file, uint32_t acquisition) const {
  Position p{};
  p.b = counter_index(idx.slice, slices, "slice", file, acquisition);
  p.y =
      step_index(idx.kspace_encode_step_1, centre_y, ny, "kspace_encode_step_1", file, acquisition);
  if (kind == DataKind::volume3d) {
    p.lead = step_index(idx.kspace_encode_step_2, centre_z, nz, "kspace_encode_step_2", file,
                        acquisition);
  } else if (kind == DataKind::cine) {
    p.lead = frames_from_phase
                 ? counter_index(idx.phase, frames, "phase", file, acquisition)
                 : counter_index(idx.repetition, frames, "repetition", file, acquisition);
  }
  return p;
}

IsmrmrdLayout layout_from_header(const std::string& xml, const std::string& file) {
  ISMRMRD::IsmrmrdHeader header;
  try {
    ISMRMRD::deserialize(xml.c_str(), header);
  } catch (const std::exception& e) {
    core::fail("{}: invalid ISMRMRD XML header ({})", file, core::first_line(e.what()));
  }
  MELRECON_CHECK(!header.encoding.empty(), "{}: the ISMRMRD header has no encoding", file);
  const ISMRMRD::Encoding& e = header.encoding[0];
  MELRECON_CHECK(e.trajectory == ISMRMRD::TrajectoryType::CARTESIAN,
                 "{}: only Cartesian trajectories are supported", file);
  const ISMRMRD::EncodingLimits& limits = e.encodingLimits;

  IsmrmrdLayout l;
  l.nx = e.encodedSpace.matrixSize.x;
  l.ny = e.encodedSpace.matrixSize.y;
  l.nz = e.encodedSpace.matrixSize.z;
  MELRECON_CHECK(l.nx > 0 && l.ny > 0 && l.nz > 0, "{}: encoded matrix {}x{}x{} is empty", file,
                 l.nx, l.ny, l.nz);
  l.centre_y = centre_of(limits.kspace_encoding_step_1, l.ny);
  l.centre_z = centre_of(limits.kspace_encoding_step_2, l.nz);
  l.slices = count_of(limits.slice);
  const int64_t phases = count_of(limits.phase);
  const int64_t repetitions = count_of(limits.repetition);
  MELRECON_CHECK(phases == 1 || repetitions == 1,
                 "{}: both phase ({}) and repetition ({}) vary; melrecon has one time axis", file,
                 phases, repetitions);
  l.frames_from_phase = phases > 1;
  l.frames = std::max(phases, repetitions);
  MELRECON_CHECK(l.nz == 1 || l.frames == 1,
                 "{}: 3D data with {} frames (3D+time) is not supported", file, l.frames);
  l.kind = l.nz > 1 ? DataKind::volume3d : l.frames > 1 ? DataKind::cine : DataKind::image2d;

  // Readout oversampling: crop only when the recon grid has the encoded grid's resolution.
  l.recon_x = l.nx;
  const int64_t rx = e.reconSpace.matrixSize.x;
  const double fov_ratio = e.encodedSpace.fieldOfView_mm.x / e.reconSpace.fieldOfView_mm.x;
  if (rx > 0 && rx < l.nx &&
      std::abs(fov_ratio - static_cast<double>(l.nx) / static_cast<double>(rx)) < 1e-3) {
    l.recon_x = rx;
  }
  return l;
}

}  // namespace melrecon::io

#include "io/ismrmrd_h5.h"

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <ismrmrd/dataset.h>

#include <cstddef>
#include <filesystem>
#include <memory>

#include "core/error.h"
#include "core/tensor_checks.h"
#include "io/hdf5_file.h"
#include "io/ismrmrd_layout.h"
#include "io/isolated_read.h"

namespace melrecon::io {
namespace {

constexpr ISMRMRD::ISMRMRD_AcquisitionFlags kSkipped[] = {
    ISMRMRD::ISMRMRD_ACQ_IS_NOISE_MEASUREMENT,
    ISMRMRD::ISMRMRD_ACQ_IS_NAVIGATION_DATA,
    ISMRMRD::ISMRMRD_ACQ_IS_PHASECORR_DATA,
    ISMRMRD::ISMRMRD_ACQ_IS_HPFEEDBACK_DATA,
    ISMRMRD::ISMRMRD_ACQ_IS_DUMMYSCAN_DATA,
    ISMRMRD::ISMRMRD_ACQ_IS_RTFEEDBACK_DATA,
    ISMRMRD::ISMRMRD_ACQ_IS_SURFACECOILCORRECTIONSCAN_DATA,
    ISMRMRD::ISMRMRD_ACQ_IS_PHASE_STABILIZATION_REFERENCE,
    ISMRMRD::ISMRMRD_ACQ_IS_PHASE_STABILIZATION};

void ignore_ismrmrd_error(const char*, int, const char*, int, const char*) {}

// Removes readout oversampling: the centre `n` of the image along X, back in k-space. Centred
// orthonormal FFTs as in mri/fft.h, written out here because io does not depend on mri.
at::Tensor crop_readout(const at::Tensor& k, int64_t n) {
  const at::Tensor image =
      at::fft_fftshift(at::fft_ifft(at::fft_ifftshift(k, -1), c10::nullopt, -1, "ortho"), -1);
  const at::Tensor centre = image.narrow(-1, image.size(-1) / 2 - n / 2, n);
  return at::fft_fftshift(at::fft_fft(at::fft_ifftshift(centre, -1), c10::nullopt, -1, "ortho"),
                          -1);
}

bool skipped(const ISMRMRD::AcquisitionHeader& head) {
  if (head.encoding_space_ref != 0) return true;
  for (auto flag : kSkipped) {
    if (head.isFlagSet(flag)) return true;
  }
  return false;
}

// Checks with read-only HDF5 first, so that a bad file gets a clear message and libismrmrd (which
// opens files read-write and creates missing groups) only ever sees a well-formed one.
void check_structure(const std::string& path, const std::string& group) {
  const h5::Handle file = h5::open_file(path);
  MELRECON_CHECK(h5::has_path(file.get(), group), "{}: no ISMRMRD group '{}'", path, group);
  MELRECON_CHECK(h5::has_path(file.get(), group + "/xml"), "{}: no ISMRMRD header '{}/xml'", path,
                 group);
  MELRECON_CHECK(h5::has_path(file.get(), group + "/data"), "{}: no acquisitions '{}/data'", path,
                 group);
}

// What libismrmrd trusts of an acquisition record: the sample and channel counts of its header
// size the copies of its variable-length data and trajectory, so a record whose stored lengths
// disagree makes it read out of bounds (a crash, not an error). Each record is checked here
// first, read through HDF5 by member name.
struct RecordHead {
  uint16_t number_of_samples, active_channels, trajectory_dimensions;
};
struct Record {
  RecordHead head;
  hvl_t traj, data;
};

void check_acquisition_records(const std::string& path, const std::string& group) {
  const h5::Handle file = h5::open_file(path);
  const h5::Handle table = h5::open_dataset(file.get(), group + "/data", path);
  const h5::Handle head_type(H5Tcreate(H5T_COMPOUND, sizeof(RecordHead)), H5Tclose);
  H5Tinsert(head_type.get(), "number_of_samples", offsetof(RecordHead, number_of_samples),
            H5T_NATIVE_UINT16);
  H5Tinsert(head_type.get(), "active_channels", offsetof(RecordHead, active_channels),
            H5T_NATIVE_UINT16);
  H5Tinsert(head_type.get(), "trajectory_dimensions", offsetof(RecordHead, trajectory_dimensions),
            H5T_NATIVE_UINT16);
  const h5::Handle floats(H5Tvlen_create(H5T_NATIVE_FLOAT), H5Tclose);
  const h5::Handle record_type(H5Tcreate(H5T_COMPOUND, sizeof(Record)), H5Tclose);
  H5Tinsert(record_type.get(), "head", offsetof(Record, head), head_type.get());
  H5Tinsert(record_type.get(), "traj", offsetof(Record, traj), floats.get());
  H5Tinsert(record_type.get(), "data", offsetof(Record, data), floats.get());
  const std::vector<hsize_t> shape = h5::shape_of(table.get());
  MELRECON_CHECK(shape.size() == 1, "{}: '{}/data' is not a table of acquisitions", path, group);
  const h5::Handle file_space(H5Dget_space(table.get()), H5Sclose);
  const hsize_t one = 1;
  const h5::Handle memory_space(H5Screate_simple(1, &one, nullptr), H5Sclose);
  const auto limit = static_cast<hsize_t>(h5::kMaxExpansion) * std::filesystem::file_size(path);
  for (hsize_t i = 0; i < shape[0]; ++i) {
    H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &i, nullptr, &one, nullptr);
    // HDF5 allocates what a record's stored lengths declare before it reads them.
    hsize_t declared = 0;
    MELRECON_CHECK(
        H5Dvlen_get_buf_size(table.get(), record_type.get(), file_space.get(), &declared) >= 0 &&
            declared <= limit,
        "{}: acquisition {} of '{}/data' declares {} bytes of samples, more than the file "
        "allows ({})",
        path, i, group, declared, h5::last_error());
    Record r{};
    MELRECON_CHECK(H5Dread(table.get(), record_type.get(), memory_space.get(), file_space.get(),
                           H5P_DEFAULT, &r) >= 0,
                   "{}: acquisition {} of '{}/data' cannot be read ({})", path, i, group,
                   h5::last_error());
    const uint64_t samples = r.head.number_of_samples;
    const bool fits = r.data.len == 2 * samples * r.head.active_channels &&
                      r.traj.len == samples * r.head.trajectory_dimensions &&
                      (r.data.len == 0 || r.data.p != nullptr) &&
                      (r.traj.len == 0 || r.traj.p != nullptr);
    H5Dvlen_reclaim(record_type.get(), memory_space.get(), H5P_DEFAULT, &r);
    MELRECON_CHECK(
        fits,
        "{}: acquisition {} holds {} data and {} trajectory values, its header ({} samples, "
        "{} channels, {} trajectory dimensions) says otherwise",
        path, i, r.data.len, r.traj.len, samples, r.head.active_channels,
        r.head.trajectory_dimensions);
  }
}

void read_acquisition(ISMRMRD::Dataset& dataset, uint32_t i, ISMRMRD::Acquisition& acq,
                      const std::string& path) {
  try {
    dataset.readAcquisition(i, acq);
  } catch (const std::exception& e) {
    core::fail("{}: cannot read acquisition {} ({})", path, i, core::first_line(e.what()));
  }
}

// libismrmrd's reader of the group and its number of acquisitions.
struct OpenDataset {
  std::unique_ptr<ISMRMRD::Dataset> dataset;
  uint32_t acquisitions = 0;
};

OpenDataset open_dataset(const std::string& path, const std::string& group) {
  OpenDataset out;
  try {
    out.dataset = std::make_unique<ISMRMRD::Dataset>(path.c_str(), group.c_str(), false);
    out.acquisitions = out.dataset->getNumberOfAcquisitions();
  } catch (const std::exception& e) {
    core::fail("{}: cannot read the ISMRMRD dataset '{}' ({})", path, group,
               core::first_line(e.what()));
  }
  return out;
}

// Running sum of the samples placed at each position and how many lines added to it.
struct Accumulator {
  at::Tensor sum;    // [B, C, lead, Y, X] complex64
  at::Tensor lines;  // [B, lead, Y] int32
};

void add_acquisition(Accumulator& acc, ISMRMRD::Acquisition& acq, const IsmrmrdLayout& layout,
                     const std::string& path, uint32_t index) {
  const ISMRMRD::AcquisitionHeader& head = acq.getHead();
  const int64_t coils = acc.sum.size(1);
  MELRECON_CHECK(head.active_channels == coils,
                 "{}: acquisition {} has {} active channels, the first imaging one had {}", path,
                 index, head.active_channels, coils);
  MELRECON_CHECK(head.idx.contrast == 0 && head.idx.set == 0,
                 "{}: acquisition {} has contrast {} and set {}; only one contrast and set are "
                 "supported",
                 path, index, head.idx.contrast, head.idx.set);
  MELRECON_CHECK(!head.isFlagSet(ISMRMRD::ISMRMRD_ACQ_IS_REVERSE),
                 "{}: acquisition {} is a reversed (EPI) readout, which is not supported", path,
                 index);
  const auto p = layout.place(head.idx, path, index);
  const int64_t samples = head.number_of_samples;
  const int64_t first = head.discard_pre;
  const int64_t used = samples - head.discard_pre - head.discard_post;
  const int64_t x0 = first - head.center_sample + layout.nx / 2;
  MELRECON_CHECK(used > 0 && x0 >= 0 && x0 + used <= layout.nx,
                 "{}: acquisition {} readout (samples {}..{}, centre {}) does not fit the encoded "
                 "matrix x = {}",
                 path, index, first, first + used - 1, head.center_sample, layout.nx);
  const at::Tensor data =
      at::from_blob(acq.getDataPtr(), {coils, samples}, at::kComplexFloat).narrow(1, first, used);
  acc.sum[p.b].select(1, p.lead).select(1, p.y).narrow(1, x0, used).add_(data);
  acc.lines[p.b][p.lead][p.y].add_(1);
}

}  // namespace

IsmrmrdData read_ismrmrd(const std::string& path, const std::string& group) {
  check_structure(path, group);
  // libismrmrd prints its error stack to stderr by default; its errors reach us as exceptions.
  ISMRMRD::ismrmrd_set_error_handler(ignore_ismrmrd_error);
  // Following the header's and the records' heap references can crash HDF5 itself on a damaged
  // file: the child process (io/isolated_read.h) checks the records, then reads the header and
  // every record through libismrmrd exactly as the parent does below (its full record type takes
  // other conversion paths through HDF5 than the check's), so the parent only repeats reads a
  // child survived. The time limit grows with the file (a 3D series is gigabytes): 15 s, and a
  // second per 5 MB, far below what reading it twice from a slow disk takes.
  IsmrmrdData out;
  const auto megabytes = static_cast<int>(std::filesystem::file_size(path) >> 20);
  out.header_xml = read_isolated(
      [&] {
        check_acquisition_records(path, group);
        const OpenDataset read = open_dataset(path, group);
        std::string xml;
        try {
          read.dataset->readHeader(xml);
        } catch (const std::exception& e) {
          core::fail("{}: cannot read the header of the ISMRMRD dataset '{}' ({})", path, group,
                     core::first_line(e.what()));
        }
        ISMRMRD::Acquisition acq;
        for (uint32_t i = 0; i < read.acquisitions; ++i) {
          read_acquisition(*read.dataset, i, acq, path);
        }
        return xml;
      },
      fmt::format("{}: '{}/xml' and '{}/data'", path, group, group), 15 + megabytes / 5);
  const OpenDataset read = open_dataset(path, group);
  const uint32_t total = read.acquisitions;
  const IsmrmrdLayout layout = layout_from_header(out.header_xml, path);

  Accumulator acc;
  int64_t used = 0;
  ISMRMRD::Acquisition acq;
  for (uint32_t i = 0; i < total; ++i) {
    read_acquisition(*read.dataset, i, acq, path);
    if (skipped(acq.getHead())) continue;
    if (!acc.sum.defined()) {
      const int64_t coils = acq.active_channels();
      MELRECON_CHECK(coils > 0, "{}: acquisition {} has no active channels", path, i);
      core::checked_bytes(
          {layout.slices, coils, layout.lead(), layout.ny, layout.nx}, 8,
          h5::kMaxExpansion * static_cast<int64_t>(std::filesystem::file_size(path)),
          path + ": the encoded matrix of the header");
      acc.sum =
          at::zeros({layout.slices, coils, layout.lead(), layout.ny, layout.nx}, at::kComplexFloat);
      acc.lines = at::zeros({layout.slices, layout.lead(), layout.ny}, at::kInt);
    }
    add_acquisition(acc, acq, layout, path, i);
    ++used;
  }
  MELRECON_CHECK(used > 0, "{}: no imaging acquisitions among {} in '{}/data'", path, total, group);

  // In place: the k-space of a whole 3D knee is gigabytes.
  at::Tensor k = acc.sum.div_(acc.lines.clamp_min(1).unsqueeze(1).unsqueeze(-1).to(at::kFloat));
  if (layout.recon_x < layout.nx) {
    k = crop_readout(k, layout.recon_x);
  }
  out.kind = layout.kind;
  out.kspace = layout.kind == DataKind::image2d ? k.squeeze(2) : k;
  out.provenance = {{"format", "ismrmrd"},
                    {"group", group},
                    {"encoded_matrix", {layout.nx, layout.ny, layout.nz}},
                    {"readout_cropped_to", layout.recon_x},
                    {"acquisitions", total},
                    {"acquisitions_used", used},
                    {"time_counter", layout.kind == DataKind::cine
                                         ? (layout.frames_from_phase ? "phase" : "repetition")
                                         : "none"}};
  return out;
}

}  // namespace melrecon::io

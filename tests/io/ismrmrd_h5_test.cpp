// The ISMRMRD reader: files from `ismrmrd_generate_cartesian_shepp_logan` (ismrmrd-tools)
// against the tool's own coil images and phantom, files written here with the ISMRMRD C++ API
// (3D, cine with slices, partial Fourier, averages, skipped noise lines) read back exactly, and
// one-line errors for bad files.
#include "core/config.h"

#if MELRECON_HAVE_ISMRMRD
#include "io/ismrmrd_h5.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <ismrmrd/dataset.h>
#include <ismrmrd/xml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>

#include "io/hdf5_writer.h"
#include "io/reader_errors.h"
#include "mri/fft.h"
#include "support/test_support.h"

namespace melrecon::io {
namespace {

using test_support::run_command;

bool have_shepp_logan_tool() {
  return run_command("command -v ismrmrd_generate_cartesian_shepp_logan").exit_code == 0;
}

#define REQUIRE_TOOL()          \
  if (!have_shepp_logan_tool()) \
  GTEST_SKIP() << "ismrmrd-tools is not installed (scripts/setup.sh installs it)"

std::string generate(const std::string& path, const std::string& args) {
  const auto r = run_command("ismrmrd_generate_cartesian_shepp_logan " + args + " -o " + path);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return path;
}

// An NDArray the tool stores next to the acquisitions, as a C-order tensor (dims reversed).
at::Tensor tool_array(const std::string& path, const std::string& name) {
  ISMRMRD::Dataset d(path.c_str(), "dataset", false);
  ISMRMRD::NDArray<complex_float_t> array;
  d.readNDArray(name, 0, array);
  std::vector<int64_t> shape(array.getDims(), array.getDims() + array.getNDim());
  std::reverse(shape.begin(), shape.end());
  return at::from_blob(array.getDataPtr(), shape, at::kComplexFloat).clone();
}

TEST(IsmrmrdH5, SheppLoganMatchesTheToolsCoilImagesAndPhantom) {
  REQUIRE_TOOL();
  const std::string dir = test_support::temp_dir("ismrmrd_shepp_logan");
  // -n 0: no noise, so the comparison is exact up to single precision.
  const std::string path = generate(dir + "/sl.h5", "-m 64 -c 4 -n 0");
  const IsmrmrdData data = read_ismrmrd(path);
  EXPECT_EQ(data.kind, DataKind::image2d);
  ASSERT_EQ(data.kspace.sizes(), (std::vector<int64_t>{1, 4, 64, 64}));  // readout 128 -> 64
  EXPECT_EQ(data.provenance.at("readout_cropped_to"), 64);
  EXPECT_NE(data.header_xml.find("ISMRM Synthetic Imaging Lab"), std::string::npos);

  const at::Tensor images = mri::ifftc(data.kspace[0], {-2, -1});  // [C, Y, X]
  // The tool's noise-free coil images [C, Y, 2X]: the object sits in the central X.
  const at::Tensor coil_images = tool_array(path, "coil_images").squeeze(0).narrow(-1, 32, 64);
  EXPECT_LT(test_support::relative_error(images, coil_images), 1e-5);
  // Coil-combined with the tool's sensitivities: its phantom.
  const at::Tensor csm = tool_array(path, "csm").squeeze(0);
  const at::Tensor combined = (csm.conj() * images).sum(0) / csm.abs().pow(2).sum(0);
  const at::Tensor phantom = tool_array(path, "phantom").squeeze(0);
  EXPECT_LT(test_support::relative_error(combined, phantom), 1e-5);

  // The tool's default noise adds N(0, 0.05²) to the real and imaginary part of every k-space
  // sample; orthonormal FFTs and the readout crop keep it white with that variance per sample,
  // so the difference to the noise-free images has an RMS of sqrt(2)·0.05 per complex sample.
  const IsmrmrdData noisy = read_ismrmrd(generate(dir + "/noisy.h5", "-m 64 -c 4"));
  const at::Tensor noise = mri::ifftc(noisy.kspace[0], {-2, -1}) - coil_images;
  const double rms = noise.abs().pow(2).mean().sqrt().item<double>();
  std::cout << "Shepp-Logan with noise 0.05: image noise RMS " << rms << " per complex sample\n";
  EXPECT_NEAR(rms, std::sqrt(2.0) * 0.05, 0.1 * std::sqrt(2.0) * 0.05);
}

TEST(IsmrmrdH5, AcceleratedRepetitionsBecomeCineFrames) {
  REQUIRE_TOOL();
  const std::string dir = test_support::temp_dir("ismrmrd_accelerated");
  const at::Tensor full = read_ismrmrd(generate(dir + "/full.h5", "-m 32 -c 2 -n 0")).kspace[0];
  // -a 2 -w 8: repetition a holds lines i with (i - a) % 2 == 0 plus the 8 centre lines
  // (12..19), the calibration lines flagged as such.
  const IsmrmrdData data = read_ismrmrd(generate(dir + "/acc.h5", "-m 32 -c 2 -n 0 -a 2 -w 8"));
  EXPECT_EQ(data.kind, DataKind::cine);
  EXPECT_EQ(data.provenance.at("time_counter"), "repetition");
  ASSERT_EQ(data.kspace.sizes(), (std::vector<int64_t>{1, 2, 2, 32, 32}));
  for (int64_t t = 0; t < 2; ++t) {
    at::Tensor lines = (at::arange(32) - t) % 2 == 0;
    lines.narrow(0, 12, 8).fill_(true);
    const at::Tensor expected = full * lines.reshape({1, 32, 1});
    EXPECT_LT(test_support::relative_error(data.kspace[0].select(1, t), expected), 1e-6)
        << "frame " << t;
  }
}

// ---- Files written with the ISMRMRD C++ API ----

// A Cartesian header: encoded matrix nx × ny × nz, step-1 limits [0, e1_max] centred at
// e1_centre, optional slice/phase limits.
ISMRMRD::IsmrmrdHeader make_header(uint16_t nx, uint16_t ny, uint16_t nz, uint16_t e1_max,
                                   uint16_t e1_centre, uint16_t slices = 1, uint16_t phases = 1) {
  ISMRMRD::Encoding e;
  e.trajectory = ISMRMRD::TrajectoryType::CARTESIAN;
  e.encodedSpace.matrixSize = ISMRMRD::MatrixSize(nx, ny, nz);
  e.encodedSpace.fieldOfView_mm = {200, 200, 10};
  e.reconSpace = e.encodedSpace;
  e.encodingLimits.kspace_encoding_step_1 = ISMRMRD::Limit(0, e1_max, e1_centre);
  if (nz > 1) e.encodingLimits.kspace_encoding_step_2 = ISMRMRD::Limit(0, nz - 1, nz / 2);
  if (slices > 1) e.encodingLimits.slice = ISMRMRD::Limit(0, slices - 1, 0);
  if (phases > 1) e.encodingLimits.phase = ISMRMRD::Limit(0, phases - 1, 0);
  ISMRMRD::IsmrmrdHeader h;
  h.encoding.push_back(e);
  return h;
}

std::string xml_of(const ISMRMRD::IsmrmrdHeader& h) {
  std::stringstream out;
  ISMRMRD::serialize(h, out);
  return out.str();
}

// One readout: sample s of coil c holds value(c, s) = base + 100 c + s - i (base + 100 c + s).
ISMRMRD::Acquisition readout(uint16_t samples, uint16_t coils, double base, uint16_t centre) {
  ISMRMRD::Acquisition acq(samples, coils);
  acq.center_sample() = centre;
  for (uint16_t c = 0; c < coils; ++c) {
    for (uint16_t s = 0; s < samples; ++s) {
      const float v = static_cast<float>(base + 100.0 * c + s);
      acq.data(s, c) = complex_float_t(v, -v);
    }
  }
  return acq;
}

at::Tensor expected_line(int64_t coils, int64_t samples, double base) {
  const at::Tensor v = base + 100.0 * at::arange(coils, at::kDouble).unsqueeze(1) +
                       at::arange(samples, at::kDouble).unsqueeze(0);
  return at::complex(v, -v).to(at::kComplexFloat);
}

void write_ismrmrd(const std::string& path, const std::string& xml,
                   const std::vector<ISMRMRD::Acquisition>& acquisitions) {
  ISMRMRD::Dataset d(path.c_str(), "dataset", true);
  d.writeHeader(xml);
  for (const auto& acq : acquisitions) d.appendAcquisition(acq);
}

TEST(IsmrmrdH5, Volume3dPlacedByEncodeStepsWithAveragesAndSkippedNoise) {
  const std::string path = test_support::temp_dir("ismrmrd_3d") + "/vol.h5";
  // Encoded 8 × 8 × 4; step 1 acquired 0..5 around centre 3 (partial Fourier): Y = e1 + 1.
  const std::string xml = xml_of(make_header(8, 8, 4, 5, 3));
  std::vector<ISMRMRD::Acquisition> acqs;
  ISMRMRD::Acquisition noise = readout(8, 2, 9999, 4);
  noise.setFlag(ISMRMRD::ISMRMRD_ACQ_IS_NOISE_MEASUREMENT);
  acqs.push_back(noise);
  for (uint16_t e2 = 0; e2 < 4; ++e2) {
    for (uint16_t e1 = 0; e1 < 6; ++e1) {
      if (e1 == 4 && e2 == 1) continue;  // never acquired: stays zero
      ISMRMRD::Acquisition acq = readout(8, 2, 1000.0 * e2 + 10.0 * e1, 4);
      acq.idx().kspace_encode_step_1 = e1;
      acq.idx().kspace_encode_step_2 = e2;
      acqs.push_back(acq);
    }
  }
  // A second average of line (e1 2, e2 3), offset by +2: the two are averaged (+1).
  ISMRMRD::Acquisition again = readout(8, 2, 3000.0 + 20.0 + 2.0, 4);
  again.idx().kspace_encode_step_1 = 2;
  again.idx().kspace_encode_step_2 = 3;
  again.idx().average = 1;
  acqs.push_back(again);
  write_ismrmrd(path, xml, acqs);

  const IsmrmrdData data = read_ismrmrd(path);
  EXPECT_EQ(data.kind, DataKind::volume3d);
  ASSERT_EQ(data.kspace.sizes(), (std::vector<int64_t>{1, 2, 4, 8, 8}));
  EXPECT_EQ(data.provenance.at("acquisitions_used"), 24);  // 23 lines + 1 average; noise skipped
  for (int64_t z = 0; z < 4; ++z) {
    for (int64_t y = 0; y < 8; ++y) {
      const at::Tensor line = data.kspace[0].select(1, z).select(1, y);  // [C, X]
      const int64_t e1 = y - 1;
      const bool acquired = e1 >= 0 && e1 < 6 && !(e1 == 4 && z == 1);
      const double base = 1000.0 * z + 10.0 * e1 + (e1 == 2 && z == 3 ? 1.0 : 0.0);
      const at::Tensor expected = acquired ? expected_line(2, 8, base) : at::zeros_like(line);
      EXPECT_TRUE(at::equal(line, expected)) << "z " << z << " y " << y;
    }
  }
}

TEST(IsmrmrdH5, CinePhasesSlicesAndAnAsymmetricReadout) {
  const std::string path = test_support::temp_dir("ismrmrd_cine") + "/cine.h5";
  // Encoded 8 × 4, 3 cardiac phases, 2 slices; readouts of 6 samples with the echo at sample 2
  // (asymmetric): samples 0..5 land at X = s - 2 + 4 = 2..7.
  const std::string xml = xml_of(make_header(8, 4, 1, 3, 2, /*slices=*/2, /*phases=*/3));
  std::vector<ISMRMRD::Acquisition> acqs;
  for (uint16_t slice = 0; slice < 2; ++slice) {
    for (uint16_t phase = 0; phase < 3; ++phase) {
      for (uint16_t e1 = 0; e1 < 4; ++e1) {
        ISMRMRD::Acquisition acq = readout(6, 3, 1000.0 * slice + 100.0 * phase + 10.0 * e1, 2);
        acq.idx().kspace_encode_step_1 = e1;
        acq.idx().slice = slice;
        acq.idx().phase = phase;
        acqs.push_back(acq);
      }
    }
  }
  write_ismrmrd(path, xml, acqs);

  const IsmrmrdData data = read_ismrmrd(path);
  EXPECT_EQ(data.kind, DataKind::cine);
  EXPECT_EQ(data.provenance.at("time_counter"), "phase");
  ASSERT_EQ(data.kspace.sizes(), (std::vector<int64_t>{2, 3, 3, 4, 8}));
  EXPECT_FALSE((data.kspace.narrow(-1, 0, 2).abs() > 0).any().item<bool>());
  for (int64_t b = 0; b < 2; ++b) {
    for (int64_t t = 0; t < 3; ++t) {
      for (int64_t y = 0; y < 4; ++y) {
        const at::Tensor line = data.kspace[b].select(1, t).select(1, y).narrow(1, 2, 6);
        const at::Tensor expected = expected_line(3, 6, 1000.0 * b + 100.0 * t + 10.0 * y);
        EXPECT_TRUE(at::equal(line, expected)) << "b " << b << " t " << t << " y " << y;
      }
    }
  }
}

// ---- Errors ----

void expect_error(const std::string& path, const std::string& what) {
  const std::string message = test_support::reader_error(path, [&] { read_ismrmrd(path); });
  EXPECT_NE(message.find(what), std::string::npos) << path;
}

TEST(IsmrmrdH5, BadFilesAreOneLineErrorsNamingTheFile) {
  const std::string dir = test_support::temp_dir("ismrmrd_errors");
  expect_error(dir + "/none.h5", "no such file");
  std::ofstream(dir + "/text.h5") << "not HDF5\n";
  expect_error(dir + "/text.h5", "not an HDF5 file");

  const std::string xml = xml_of(make_header(8, 4, 1, 3, 2));
  std::vector<ISMRMRD::Acquisition> lines;
  for (uint16_t e1 = 0; e1 < 4; ++e1) {
    lines.push_back(readout(8, 2, e1, 4));
    lines.back().idx().kspace_encode_step_1 = e1;
  }
  write_ismrmrd(dir + "/good.h5", xml, lines);
  ASSERT_EQ(read_ismrmrd(dir + "/good.h5").kspace.size(2), 4);
  test_support::truncated_copy(dir + "/good.h5", dir + "/cut.h5", 0.6);
  expect_error(dir + "/cut.h5", "truncated");

  { const auto file = test_support::create_hdf5(dir + "/other.h5"); }
  expect_error(dir + "/other.h5", "no ISMRMRD group 'dataset'");
  {
    ISMRMRD::Dataset d((dir + "/no_data.h5").c_str(), "dataset", true);
    d.writeHeader(xml);
  }
  expect_error(dir + "/no_data.h5", "no acquisitions");
  write_ismrmrd(dir + "/bad_xml.h5", "<ismrmrdHeader><encoding>", lines);
  expect_error(dir + "/bad_xml.h5", "invalid ISMRMRD XML header");

  std::vector<ISMRMRD::Acquisition> outside = lines;
  outside.back().idx().slice = 1;  // the header allows one slice
  write_ismrmrd(dir + "/outside.h5", xml, outside);
  expect_error(dir + "/outside.h5", "acquisition 3 has slice 1");

  std::vector<ISMRMRD::Acquisition> contrast = lines;
  contrast[1].idx().contrast = 1;
  write_ismrmrd(dir + "/contrast.h5", xml, contrast);
  expect_error(dir + "/contrast.h5", "contrast");

  std::vector<ISMRMRD::Acquisition> channels = lines;
  channels[2] = readout(8, 3, 0, 4);
  channels[2].idx().kspace_encode_step_1 = 2;
  write_ismrmrd(dir + "/channels.h5", xml, channels);
  expect_error(dir + "/channels.h5", "3 active channels");

  // Found by fuzzing: a record whose header claims more samples than it stores made libismrmrd
  // copy past its buffer. The header's count is rewritten in place (HDF5 writes that member only).
  write_ismrmrd(dir + "/lengths.h5", xml, lines);
  {
    const io::h5::Handle file(H5Fopen((dir + "/lengths.h5").c_str(), H5F_ACC_RDWR, H5P_DEFAULT),
                              H5Fclose);
    const io::h5::Handle table(H5Dopen2(file.get(), "dataset/data", H5P_DEFAULT), H5Dclose);
    const io::h5::Handle head(H5Tcreate(H5T_COMPOUND, sizeof(uint16_t)), H5Tclose);
    H5Tinsert(head.get(), "number_of_samples", 0, H5T_NATIVE_UINT16);
    const io::h5::Handle record(H5Tcreate(H5T_COMPOUND, sizeof(uint16_t)), H5Tclose);
    H5Tinsert(record.get(), "head", 0, head.get());
    const hsize_t first = 1, one = 1;
    const io::h5::Handle space(H5Dget_space(table.get()), H5Sclose);
    H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, &first, nullptr, &one, nullptr);
    const io::h5::Handle memory(H5Screate_simple(1, &one, nullptr), H5Sclose);
    const io::h5::Handle keep(H5Pcreate(H5P_DATASET_XFER), H5Pclose);
    H5Pset_preserve(keep.get(), 1);
    const uint16_t claimed = 4000;
    ASSERT_GE(H5Dwrite(table.get(), record.get(), memory.get(), space.get(), keep.get(), &claimed),
              0);
  }
  expect_error(dir + "/lengths.h5", "acquisition 1 holds 32 data and 0 trajectory values");
}

}  // namespace
}  // namespace melrecon::io
#endif  // MELRECON_HAVE_ISMRMRD

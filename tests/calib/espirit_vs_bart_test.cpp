// ESPIRiT and the low-resolution estimator against the real `bart ecalib -m1` on bart's own
// phantoms: per-pixel coil-vector similarity inside the object, eigenvalues and cropping, and
// that SENSE with the estimated maps reproduces the fully sampled coil images.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "calib/calibration_region.h"
#include "calib/coil_maps.h"
#include "calib/espirit.h"
#include "calib/map_similarity.h"
#include "io/bart_layout.h"
#include "mri/fft.h"
#include "mri/sense_op.h"
#include "support/test_support.h"

namespace melrecon::calib {
namespace {

namespace fs = std::filesystem;
using io::DataKind;
using io::Role;

#define REQUIRE_BART()                                                \
  if (!test_support::have_bart())                                     \
  GTEST_SKIP() << "bart is not installed (scripts/setup.sh installs " \
                  "it)"

// Runs `bart <command> <out_1> ... <out_n>` once per build tree and returns the outputs' paths:
// the phantoms take seconds and every test runs in its own process. Outputs are written under
// temporary names and renamed, so tests running side by side never read half a file.
std::vector<std::string> cached_bart(const std::string& name, const std::string& command,
                                     int outputs = 1) {
  const fs::path dir = fs::path(MELRECON_TEST_TMP) / "bart_cache";
  std::vector<std::string> paths;
  std::string tmp_args;
  const std::string tmp_suffix = ".tmp" + std::to_string(::getpid());
  for (int i = 0; i < outputs; ++i) {
    paths.push_back((dir / (name + "_" + std::to_string(i))).string());
    tmp_args += " " + paths.back() + tmp_suffix;
  }
  if (fs::exists(paths.back() + ".hdr")) return paths;
  fs::create_directories(dir);
  const auto r = test_support::run_command("bart " + command + tmp_args);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const auto& p : paths) {
    fs::rename(p + tmp_suffix + ".cfl", p + ".cfl");
    fs::rename(p + tmp_suffix + ".hdr", p + ".hdr");
  }
  return paths;
}

struct Reference {
  at::Tensor kspace;  // [1, C, *S]
  at::Tensor maps;    // bart ecalib -m1
  at::Tensor eigen;   // bart's eigenvalue map [1, *S]
  at::Tensor object;  // [1, *S] bool: root-sum-of-squares image above 10% of its maximum
};

// 2D: `bart phantom -k -s 8` (128×128, 8 coils), bart ecalib -m1 with its defaults.
Reference reference_2d() {
  const std::string k = cached_bart("phantom2d", "phantom -k -s 8")[0];
  const auto out = cached_bart("ecalib2d", "ecalib -m1 " + k, 2);
  Reference c;
  c.kspace = io::read_bart(k, Role::kspace, DataKind::image2d);
  c.maps = io::read_bart(out[0], Role::maps, DataKind::image2d);
  c.eigen = at::real(io::read_bart(out[1], Role::image, DataKind::image2d));
  c.object = test_support::object_region(c.kspace, 2, 0.1);
  return c;
}

// 3D: `bart phantom -3 -s 8 -x 32` transformed by `bart fft -u 7` (the analytic -k phantom takes
// 10 s in 3D); bart's own 3D calibration with -k 4 -r 16 (its default 6³ kernel takes 90 s).
Reference reference_3d() {
  const std::string image = cached_bart("phantom3d", "phantom -3 -s 8 -x 32")[0];
  const std::string k = cached_bart("phantom3d_k", "fft -u 7 " + image)[0];
  const auto out = cached_bart("ecalib3d", "ecalib -m1 -k 4 -r 16 " + k, 2);
  Reference c;
  c.kspace = io::read_bart(k, Role::kspace, DataKind::volume3d);
  c.maps = io::read_bart(out[0], Role::maps, DataKind::volume3d);
  c.object = test_support::object_region(c.kspace, 3, 0.1);
  return c;
}

double similarity_report(const char* what, const at::Tensor& maps, const Reference& c,
                         double level) {
  const at::Tensor sim = test_support::map_similarity(maps, c.maps);
  const double fraction = test_support::fraction_above(sim, c.object, level);
  std::cout << what << ": coil-vector similarity to bart ecalib over "
            << c.object.sum().item<int64_t>() << " object pixels: > " << level << " at "
            << 100 * fraction << "%, median " << sim.masked_select(c.object).median().item<double>()
            << "\n";
  return fraction;
}

// ‖S Sᴴ I − I‖ / ‖I‖ over the object, I the fully sampled coil images: SENSE's forward model of
// the coil-combined image against the data, i.e. what the maps cannot represent.
double projection_residual(const at::Tensor& maps, const Reference& c) {
  const int64_t rank = maps.dim() - 2;
  std::vector<int64_t> dims;
  for (int64_t a = -rank; a < 0; ++a) dims.push_back(a);
  const mri::SenseOp op(maps.to(at::kComplexDouble), {});
  const at::Tensor k = c.kspace.to(at::kComplexDouble);
  const at::Tensor inside = c.object.unsqueeze(1).to(at::kDouble);
  const at::Tensor images = mri::ifftc(k, dims) * inside;
  const at::Tensor projected = mri::ifftc(op.forward(op.adjoint(k)), dims) * inside;
  const double residual = (projected - images).norm().item<double>() / images.norm().item<double>();
  std::cout << "SENSE projection residual over the object: " << residual << "\n";
  return residual;
}

TEST(EspiritVsBart, Phantom2dMapsEigenvaluesAndCropMatch) {
  REQUIRE_BART();
  const Reference c = reference_2d();
  const at::Tensor maps = estimate_coil_maps(c.kspace, Kind::image2d, CoilMapOptions());
  EXPECT_GT(similarity_report("ESPIRiT 2D", maps, c, 0.95), 0.95);

  // The largest eigenvalue of the pixel operator: BART's eigenvalue map, to single precision
  // almost everywhere in the object (BART runs 30 orthogonal iterations instead of eigh).
  const at::Tensor calib = calibration_region(c.kspace[0], 24, 6, 6);
  const CoilMapOptions no_crop = CoilMapOptions().crop(0);
  const double reference = largest_calibration_eigenvalue(calib, no_crop);
  const at::Tensor ev = espirit_plane(calib, 128, 128, no_crop, reference).weight;
  const at::Tensor close = (ev.unsqueeze(0).to(at::kDouble) - c.eigen).abs() < 0.01;
  const double close_fraction = close.masked_select(c.object).to(at::kDouble).mean().item<double>();
  std::cout << "eigenvalues within 0.01 of bart's at " << 100 * close_fraction
            << "% of the object\n";
  EXPECT_GT(close_fraction, 0.95);

  // Cropping (eigenvalue < 0.8) zeroes the same pixels.
  const at::Tensor kept = maps.abs().sum(1) > 0;
  const at::Tensor bart_kept = c.maps.abs().sum(1) > 0;
  EXPECT_LT((kept != bart_kept).sum().item<int64_t>(), kept.numel() / 1000);
}

TEST(EspiritVsBart, Phantom2dSenseReproducesCoilImages) {
  REQUIRE_BART();
  const Reference c = reference_2d();
  const at::Tensor maps = estimate_coil_maps(c.kspace, Kind::image2d, CoilMapOptions());
  EXPECT_LT(projection_residual(maps, c), 0.05);
}

TEST(EspiritVsBart, Lowres2d) {
  REQUIRE_BART();
  const Reference c = reference_2d();
  const at::Tensor maps =
      estimate_coil_maps(c.kspace, Kind::image2d, CoilMapOptions().method(Method::lowres));
  EXPECT_GT(similarity_report("lowres 2D", maps, c, 0.9), 0.95);
  EXPECT_LT(projection_residual(maps, c), 0.05);
}

// melrecon calibrates each readout position in 2D (Z, Y) after an inverse FFT along X; bart
// calibrates in 3D. Both estimate the same sensitivities.
TEST(EspiritVsBart, Phantom3d) {
  REQUIRE_BART();
  const Reference c = reference_3d();
  const at::Tensor maps = estimate_coil_maps(c.kspace, Kind::volume3d, CoilMapOptions());
  EXPECT_GT(similarity_report("ESPIRiT 3D", maps, c, 0.95), 0.95);
  EXPECT_LT(projection_residual(maps, c), 0.05);
}

TEST(EspiritVsBart, Lowres3d) {
  REQUIRE_BART();
  const Reference c = reference_3d();
  const at::Tensor maps =
      estimate_coil_maps(c.kspace, Kind::volume3d, CoilMapOptions().method(Method::lowres));
  EXPECT_GT(similarity_report("lowres 3D", maps, c, 0.9), 0.95);
}

}  // namespace
}  // namespace melrecon::calib

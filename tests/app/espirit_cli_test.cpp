// `melrecon espirit` end to end: maps of known sensitivities for each method and kind, and bad
// inputs reported in one line naming the file.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "app/cli_errors.h"
#include "calib/map_similarity.h"
#include "calib/synthetic_coils.h"
#include "io/bart_layout.h"
#include "mri/fft.h"
#include "support/test_support.h"

namespace melrecon {
namespace {

using io::DataKind;
using io::Role;
using test_support::run_melrecon;

struct Written {
  std::string dir;
  at::Tensor sensitivities;  // [1, C, Y, X]
  at::Tensor object;         // [1, Y, X] bool
};

// 2D k-space of an ellipse seen by 6 smooth coils, written as <dir>/k.
Written write_case(const std::string& name) {
  Written w{
      test_support::temp_dir(name), test_support::smooth_sensitivities(6, 48, 40).unsqueeze(0), {}};
  const at::Tensor object = test_support::ellipse_object(48, 40);
  w.object = (object.abs() > 0).unsqueeze(0);
  io::write_bart(w.dir + "/k", test_support::coil_kspace(object, w.sensitivities[0]), Role::kspace,
                 DataKind::image2d);
  return w;
}

TEST(EspiritCli, BothMethodsEstimateTheCoils) {
  const Written w = write_case("cli_espirit");
  for (const std::string method : {"espirit", "lowres"}) {
    const auto r = run_melrecon("espirit " + w.dir + "/k " + w.dir + "/s_" + method +
                                " --calib 20 --method " + method);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const at::Tensor maps = io::read_bart(w.dir + "/s_" + method, Role::maps, DataKind::image2d);
    ASSERT_EQ(maps.sizes(), w.sensitivities.sizes());
    const at::Tensor sim = test_support::map_similarity(maps, w.sensitivities);
    EXPECT_GT(test_support::fraction_above(sim, w.object, 0.99), 0.99) << method;
  }
}

TEST(EspiritCli, ThreeDimensionalAndCineKinds) {
  const std::string d = test_support::temp_dir("cli_espirit_kinds");
  const at::Tensor s = test_support::smooth_sensitivities(4, 24, 20);
  const at::Tensor image = s * test_support::ellipse_object(24, 20);  // [C, Y, X]
  // 3D: 6 readout positions; cine: 3 frames of the same image.
  const at::Tensor volume = image.unsqueeze(-1).expand({4, 24, 20, 6});
  io::write_bart(d + "/k3", mri::fftc(volume, {-3, -2, -1}).unsqueeze(0), Role::kspace,
                 DataKind::volume3d);
  const at::Tensor frames = mri::fftc(image, {-2, -1}).unsqueeze(1).expand({4, 3, 24, 20});
  io::write_bart(d + "/kt", frames.unsqueeze(0), Role::kspace, DataKind::cine);
  for (const std::string k : {"k3", "kt"}) {
    const auto r = run_melrecon("espirit " + d + "/" + k + " " + d + "/s" + k +
                                " --calib 16 --kernel 5 --threshold 0.002 --crop 0.7");
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  EXPECT_EQ(io::read_bart(d + "/sk3", Role::maps, DataKind::volume3d).sizes(),
            (std::vector<int64_t>{1, 4, 24, 20, 6}));
  const at::Tensor cine_maps = io::read_bart(d + "/skt", Role::maps, DataKind::cine);
  // Cine maps as BART writes them: without the TIME dimension, one set for every frame.
  EXPECT_EQ(cine_maps.sizes(), (std::vector<int64_t>{1, 4, 1, 24, 20}));
}

TEST(EspiritCli, BadInputsAreOneLineErrorsNamingTheFile) {
  const Written w = write_case("cli_espirit_errors");
  const std::string& d = w.dir;
  test_support::expect_one_line_error(run_melrecon("espirit " + d + "/none " + d + "/s"), 1,
                                      d + "/none.hdr", "cannot open");
  // The k-space centre line missing: no calibration region.
  at::Tensor k = io::read_bart(d + "/k", Role::kspace, DataKind::image2d);
  k.select(2, 24).zero_();
  io::write_bart(d + "/k_hole", k, Role::kspace, DataKind::image2d);
  test_support::expect_one_line_error(run_melrecon("espirit " + d + "/k_hole " + d + "/s"), 1,
                                      d + "/k_hole.cfl", "fully sampled");
  // Options: a kernel larger than the calibration region is a usage error (exit 2).
  test_support::expect_one_line_error(
      run_melrecon("espirit " + d + "/k " + d + "/s --calib 8 --kernel 10"), 2, "kernel size",
      "calibration size");
  EXPECT_EQ(run_melrecon("espirit " + d + "/k " + d + "/s --method magic").exit_code, 2);
}

}  // namespace
}  // namespace melrecon

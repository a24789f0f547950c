// The baselines of `melrecon eval` on a simulated beating-heart cine series: the compressed-
// sensing priors run through bart, temporal total variation is the strong one for cine, and
// stored masks give every method (and every seed) the same undersampling.
#include "eval/evaluation.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "io/bart_layout.h"
#include "recon/bart_pics.h"
#include "sampling/masks.h"
#include "sim/simulate.h"
#include "support/expect_error.h"
#include "support/test_support.h"

namespace melrecon::eval {
namespace {

const std::vector<int64_t> kCine{12, 40, 40};

std::string cine_dataset(const std::string& name, bool with_masks) {
  const std::string dir = test_support::temp_dir(name);
  sim::simulate_dataset(
      sim::SimulateOptions(io::DataKind::cine, kCine).cases(1).coils(4).snr(0).seed(3),
      dir + "/data", false);
  if (with_masks) {
    const at::Tensor mask =
        sampling::make_mask(
            sampling::MaskOptions(sampling::MaskKind::cine_vista, kCine).accel(6).calib(4).seed(9))
            .mask;
    io::write_bart(dir + "/data/case_0000/mask", mask, io::Role::mask, io::DataKind::cine);
  }
  return dir + "/data";
}

EvalOptions cine_options(const std::string& data) {  // bart's files: a scratch folder each
  train::SamplingConfig sampling;
  sampling.accel = 6;
  sampling.calib = 4;
  return EvalOptions().data(data).sampling(sampling).cs_iters(60);
}

TEST(Evaluation, TemporalTotalVariationBeatsCgSenseOnCine) {
  if (!recon::bart_available()) GTEST_SKIP() << "bart is not installed";
  const EvalReport report = evaluate(cine_options(cine_dataset("eval_cine", false)), nullptr);
  const MethodScores* cg = report.find("cg-sense");
  const MethodScores* tv = report.find("cs-temporal-tv");
  const MethodScores* wavelet = report.find("cs-wavelet");
  ASSERT_TRUE(cg && tv && wavelet) << report.table();
  std::cout << report.table();
  EXPECT_GT(tv->psnr[0], cg->psnr[0] + 1.0) << report.table();
  EXPECT_GT(tv->ssim[0], cg->ssim[0]) << report.table();
  // Temporal TV with spatial wavelets: only when named; temporal TV's λ plus a wavelet weight.
  EXPECT_EQ(report.find("cs-temporal-tv-wavelet"), nullptr);
  const EvalReport both =
      evaluate(cine_options(cine_dataset("eval_cine", false))
                   .baselines(std::vector<Baseline>{Baseline::cs_temporal_tv,
                                                    Baseline::cs_temporal_tv_wavelet}),
               nullptr);
  const MethodScores* combined = both.find("cs-temporal-tv-wavelet");
  ASSERT_TRUE(combined) << both.table();
  EXPECT_EQ(combined->setting.rfind(tv->setting + ", wavelet=", 0), 0u) << both.table();
  EXPECT_NE(combined->psnr[0], tv->psnr[0]) << both.table();
  EXPECT_GT(combined->psnr[0], cg->psnr[0] + 1.0) << both.table();
}

TEST(Evaluation, StoredMasksAreTheSameForEverySeed) {
  const std::string data = cine_dataset("eval_stored", true);
  EvalOptions options = cine_options(data).baselines(std::vector<Baseline>{Baseline::cg_sense});
  options.sampling().source = train::MaskSource::stored;
  const EvalReport a = evaluate(EvalOptions(options).seed(1), nullptr);
  const EvalReport b = evaluate(EvalOptions(options).seed(2), nullptr);
  EXPECT_EQ(a.methods[0].psnr, b.methods[0].psnr);
  options.sampling().source = train::MaskSource::generate;
  const EvalReport c = evaluate(EvalOptions(options).seed(1), nullptr);
  const EvalReport d = evaluate(EvalOptions(options).seed(2), nullptr);
  EXPECT_NE(c.methods[0].psnr, d.methods[0].psnr);  // generated masks follow the seed
}

TEST(Evaluation, BaselineWeightsAreChosenOnTheTuningData) {
  // CG-SENSE's best lambda grows with the noise: tuned on a noisy validation set it is larger
  // than tuned on the noise-free test data itself.
  const std::string dir = test_support::temp_dir("eval_tune");
  const auto simulate = [&](const std::string& name, double snr) {
    sim::simulate_dataset(
        sim::SimulateOptions(io::DataKind::cine, kCine).cases(1).coils(4).snr(snr).seed(3),
        dir + "/" + name, false);
    return dir + "/" + name;
  };
  const std::string test = simulate("test", 0), noisy = simulate("noisy", 3);
  const EvalOptions options =
      cine_options(test).baselines(std::vector<Baseline>{Baseline::cg_sense});
  const auto lambda = [](const EvalReport& r) { return std::stod(r.methods[0].setting.substr(7)); };
  const EvalReport on_test = evaluate(options, nullptr);
  const EvalReport on_noisy = evaluate(EvalOptions(options).tune_data(noisy), nullptr);
  EXPECT_GT(lambda(on_noisy), lambda(on_test))
      << on_test.methods[0].setting << " vs " << on_noisy.methods[0].setting;
  // Tuning data of another kind is refused, naming it.
  const std::string flat = dir + "/flat";
  sim::simulate_dataset(sim::SimulateOptions(io::DataKind::image2d, {40, 40}).cases(1).coils(4),
                        flat, false);
  EXPECT_THROW(evaluate(EvalOptions(options).tune_data(flat), nullptr), core::Error);
}

TEST(Evaluation, TemporalTotalVariationNeedsFrames) {
  const std::string dir = test_support::temp_dir("eval_2d");
  sim::simulate_dataset(sim::SimulateOptions(io::DataKind::image2d, {32, 32}).cases(1).coils(4),
                        dir + "/data", false);
  train::SamplingConfig sampling;
  sampling.calib = 4;
  const auto options = EvalOptions()
                           .data(dir + "/data")
                           .sampling(sampling)
                           .baselines(std::vector<Baseline>{Baseline::cs_temporal_tv});
  test_support::expect_error<core::UsageError>([&] { evaluate(options, nullptr); },
                                               "cs-temporal-tv", "needs cine data");
}

}  // namespace
}  // namespace melrecon::eval

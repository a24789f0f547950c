// `train --budget`: the candidate tilings for a data shape, and the choice under a budget — the
// fastest predicted configuration whose predicted peak fits, written into the configuration.
#include "plan/budget_choice.h"

#include <gtest/gtest.h>

#include "sim/simulate.h"
#include "support/test_support.h"

namespace melrecon::plan {
namespace {

TEST(BudgetChoice, TilingsCutTheInPlaneAxesWhileTilesStayLong) {
  train::ModelConfig m;  // 5 layers: tiles of at least 20
  using Tilings = std::vector<std::vector<int64_t>>;
  EXPECT_EQ(candidate_tilings(m, io::DataKind::volume3d, {16, 64, 48}), (Tilings{{}, {0, 32, 24}}));
  EXPECT_EQ(candidate_tilings(m, io::DataKind::image2d, {128, 96}),
            (Tilings{{}, {64, 48}, {32, 24}}));
  m.tile = {0, 40, 40};  // the configured tiling is a candidate too
  EXPECT_EQ(candidate_tilings(m, io::DataKind::cine, {16, 64, 48}),
            (Tilings{{}, {0, 40, 40}, {0, 32, 24}}));
  m.net = train::NetKind::unet;
  EXPECT_EQ(candidate_tilings(m, io::DataKind::volume3d, {16, 64, 48}), (Tilings{{}}));
}

TEST(BudgetChoice, PicksAConfigurationPredictedToFitAndSaysWhenNoneDoes) {
  const std::string dir = test_support::temp_dir("budget_choice");
  sim::simulate_dataset(
      sim::SimulateOptions(io::DataKind::image2d, {48, 40}).cases(2).coils(4).seed(5),
      dir + "/data");
  const train::TrainConfig config =
      train::load_config("", {"data.train=\"" + dir + "/data\"", "model.unrolls=6",
                              "model.features=8", "model.layers=3", "model.cg_iters=3"});
  const BudgetChoice all =
      choose_for_budget(config, int64_t{1} << 40, {mel::Strategy::full, mel::Strategy::mel});
  ASSERT_TRUE(all.fits());
  // full and mel, each untiled, in 2 x 2 tiles of 24 x 20, and in 4 x 1 of 12 x 40 (a tile
  // shorter than 4 radii of the 3-layer CNN, 12, is not tried).
  using Tilings = std::vector<std::vector<int64_t>>;
  ASSERT_EQ(candidate_tilings(config.model, io::DataKind::image2d, {48, 40}),
            (Tilings{{}, {24, 20}, {12, 0}}));
  ASSERT_EQ(all.plan.rows.size(), 6u);
  // Under the smallest prediction only that configuration fits, and the configuration says so.
  int smallest = 0;
  for (size_t i = 1; i < all.plan.rows.size(); ++i) {
    if (all.plan.rows[i].predicted_bytes < all.plan.rows[smallest].predicted_bytes)
      smallest = int(i);
  }
  const int64_t budget = all.plan.rows[smallest].predicted_bytes;
  const BudgetChoice tight =
      choose_for_budget(config, budget, {mel::Strategy::full, mel::Strategy::mel});
  ASSERT_TRUE(tight.fits());
  const auto& row = tight.plan.rows[tight.plan.chosen];
  EXPECT_LE(row.predicted_bytes, budget);
  EXPECT_EQ(tight.config.optim.strategy, row.candidate.strategy);
  EXPECT_EQ(tight.config.model.tile, row.candidate.model.tile);
  // Untiled, mel with 6 unrolls needs less than full (rows: full, its tilings, mel, its tilings).
  EXPECT_LT(all.plan.rows[3].predicted_bytes, all.plan.rows[0].predicted_bytes);
  EXPECT_EQ(all.plan.rows[3].candidate.label, "mel");
  EXPECT_FALSE(choose_for_budget(config, 1024, {mel::Strategy::mel}).fits());
}

}  // namespace
}  // namespace melrecon::plan

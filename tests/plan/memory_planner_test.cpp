// The planner's predicted peak (probes at two reduced volumes x two unroll counts, extrapolated)
// is within 15% of the peak measured by running the full-size step, for plain backprop, MEL and
// tiled MEL; a budget excludes what does not fit; memory sizes parse with their units.
#include "plan/memory_planner.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"

namespace melrecon::plan {
namespace {

train::ModelConfig small_network() {
  train::ModelConfig m;
  m.unrolls = 6;
  m.cg_iters = 3;
  m.layers = 3;
  m.features = 8;
  return m;
}

PlanRequest request() {
  PlanRequest r;
  r.kind = io::DataKind::volume3d;
  r.shape = {40, 24, 24};
  r.coils = 4;
  const train::ModelConfig m = small_network();
  train::ModelConfig tiled = m;
  tiled.tile = {8, 0, 0};
  r.candidates = {{"full", mel::Strategy::full, m},
                  {"mel", mel::Strategy::mel, m},
                  {"mel, tile 8,0,0", mel::Strategy::mel, tiled}};
  r.probe_voxels = 1500;
  return r;
}

TEST(MemoryPlanner, PredictedPeakIsWithin15PercentOfTheMeasuredOne) {
  const PlanRequest r = request();
  const Plan plan = make_plan(r);
  ASSERT_EQ(plan.rows.size(), r.candidates.size());
  for (const auto& row : plan.rows) {
    // Really extrapolated: from smaller volumes and fewer unrolls.
    ASSERT_EQ(row.probes.size(), 4u) << row.candidate.label;
    for (const auto& probe : row.probes) {
      EXPECT_LT(probe.shape[1] * probe.shape[2], r.shape[1] * r.shape[2]) << row.candidate.label;
      EXPECT_LE(probe.unrolls, 3) << row.candidate.label;
    }
    const StepMeasurement measured =
        measure_training_step(row.candidate, r.kind, r.shape, r.coils, {}, c10::kCPU);
    const double error = std::abs(static_cast<double>(row.predicted_bytes - measured.peak_bytes)) /
                         static_cast<double>(measured.peak_bytes);
    EXPECT_LT(error, 0.15) << row.candidate.label << ": predicted " << row.predicted_bytes
                           << " measured " << measured.peak_bytes;
  }
  // What MEL is for: at 6 unrolls plain backprop needs more than MEL.
  EXPECT_GT(plan.rows[0].predicted_bytes, plan.rows[1].predicted_bytes);
}

TEST(MemoryPlanner, TheBudgetExcludesWhatDoesNotFit) {
  PlanRequest r = request();
  r.candidates.resize(2);
  const Plan open = make_plan(r);
  r.budget_bytes = (open.rows[0].predicted_bytes + open.rows[1].predicted_bytes) / 2;
  const Plan plan = make_plan(r);
  EXPECT_FALSE(plan.rows[0].fits);  // full
  EXPECT_TRUE(plan.rows[1].fits);   // mel
  EXPECT_EQ(plan.chosen, 1);
  r.budget_bytes = 1;
  EXPECT_EQ(make_plan(r).chosen, -1);
}

TEST(MemoryPlanner, ParsesMemorySizes) {
  EXPECT_EQ(parse_bytes("8GiB"), 8LL << 30);
  EXPECT_EQ(parse_bytes("512MiB"), 512LL << 20);
  EXPECT_EQ(parse_bytes("2.5G"), (5LL << 30) / 2);
  EXPECT_EQ(parse_bytes("1000000"), 1000000);
  EXPECT_EQ(parse_bytes("4 kib"), 4096);
  EXPECT_THROW(parse_bytes("eight gigabytes"), core::UsageError);
  EXPECT_THROW(parse_bytes(""), core::UsageError);
  EXPECT_THROW(parse_bytes("8GB!"), core::UsageError);
  // Past int64: refused as too large, not wrapped to a negative budget.
  EXPECT_THROW(parse_bytes("99999999999999999999999GiB"), core::UsageError);
  EXPECT_EQ(parse_bytes("4096TiB"), 4096LL << 40);
}

}  // namespace
}  // namespace melrecon::plan

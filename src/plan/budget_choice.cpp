#include "plan/budget_choice.h"

#include <algorithm>

#include "core/device_choice.h"
#include "core/error.h"
#include "data/example_source.h"

namespace melrecon::plan {

std::vector<std::vector<int64_t>> candidate_tilings(const train::ModelConfig& model,
                                                    io::DataKind kind,
                                                    const std::vector<int64_t>& shape) {
  std::vector<std::vector<int64_t>> out{{}};
  if (model.net == train::NetKind::unet) return out;
  if (!model.tile.empty()) out.push_back(model.tile);
  const int64_t min_tile = 4 * model.layers;  // 3x3 kernels: one voxel of radius per layer
  const size_t first_in_plane = kind == io::DataKind::image2d ? 0 : 1;
  for (int64_t parts : {2, 4, 8}) {
    std::vector<int64_t> tile(shape.size(), 0);
    bool cut = false;
    for (size_t a = first_in_plane; a < shape.size(); ++a) {
      const int64_t size = (shape[a] + parts - 1) / parts;
      if (size >= min_tile) {
        tile[a] = size;
        cut = true;
      }
    }
    if (cut && std::find(out.begin(), out.end(), tile) == out.end()) out.push_back(tile);
  }
  return out;
}

BudgetChoice choose_for_budget(const train::TrainConfig& config, int64_t budget_bytes,
                               const std::vector<mel::Strategy>& strategies) {
  data::ExampleSource source(config.data.train);
  const std::vector<data::ExampleRef> refs = source.examples({0});
  MELRECON_CHECK(!refs.empty(), "{}: no examples to plan the memory for", config.data.train);
  const data::LoadedExample first = source.load(refs.front());

  PlanRequest request;
  request.kind = source.kind();
  request.shape = source.spatial_shape();
  request.coils = first.kspace.size(1);
  request.fft_axes = source.fft_axes();
  request.budget_bytes = budget_bytes;
  request.device = core::device_choice(config.run.device, "run.device");
  for (mel::Strategy strategy : strategies) {
    for (const auto& tile : candidate_tilings(config.model, request.kind, request.shape)) {
      PlanCandidate c{"", strategy, config.model};
      c.model.tile = tile;
      c.label = candidate_label(strategy, c.model);
      request.candidates.push_back(c);
    }
  }
  BudgetChoice choice{make_plan(request), config};
  if (choice.plan.chosen >= 0) {
    const PlanCandidate& chosen = choice.plan.rows[choice.plan.chosen].candidate;
    choice.config.optim.strategy = chosen.strategy;
    choice.config.model.tile = chosen.model.tile;
  }
  return choice;
}

}  // namespace melrecon::plan

#include <fmt/format.h>

#include <iostream>

#include "app/choice_option.h"
#include "app/commands.h"
#include "app/shape_option.h"
#include "core/device_choice.h"
#include "core/error.h"
#include "io/bart_layout.h"
#include "plan/memory_planner.h"
#include "train/model_factory.h"
#include "train/train_config.h"

namespace melrecon::app {
namespace {

struct PlanArgs {
  std::string kind = "3d", shape, budget, config, arch, device = "cpu";
  std::vector<std::string> overrides, tiles;
  std::vector<std::string> strategies = core::choice_names<mel::Strategy>();
  std::vector<std::string> precisions{"float32"};
  int64_t coils = 8, unrolls = 0;
  bool strategies_given = false;
};

// mel-invertible is compared by default only where the configured network can invert its
// unrolls; otherwise it is left out with the network's reason.
std::vector<mel::Strategy> applicable_strategies(const PlanArgs& a,
                                                 const train::TrainConfig& config,
                                                 io::DataKind kind) {
  std::vector<mel::Strategy> out;
  for (const auto& name : a.strategies) {
    const auto s = core::parse_choice<mel::Strategy>(name);
    if (s == mel::Strategy::mel_invertible && !a.strategies_given) {
      const std::string why = train::build_network(config.model, kind)->inversion_unavailable();
      if (!why.empty()) {
        std::cout << fmt::format("mel-invertible left out: {}\n", why);
        continue;
      }
    }
    out.push_back(s);
  }
  return out;
}

void check_one_size_per_axis(const std::string& option, const std::string& text,
                             const std::vector<int64_t>& sizes, io::DataKind kind) {
  if (static_cast<int64_t>(sizes.size()) != io::spatial_rank(kind)) {
    throw core::UsageError(fmt::format("{} {}: {} data needs {} sizes ({}), found {}", option, text,
                                       core::choice_name(kind), io::spatial_rank(kind),
                                       io::spatial_axis_names(kind), sizes.size()));
  }
}

// The configuration with one --tile, checked as train would check it, so that a tiling the
// network cannot take is refused up front with the option named.
std::vector<int64_t> checked_tiling(const std::string& text, const train::TrainConfig& config,
                                    io::DataKind kind) {
  std::vector<int64_t> tile = parse_shape(text, "--tile", 0);
  check_one_size_per_axis("--tile", text, tile, kind);
  nlohmann::json j = train::to_json(config);
  j["model"]["tile"] = tile;
  train::from_json(j, "--tile " + text);
  return tile;
}

// Every strategy x tiling x precision, on the configured network.
std::vector<plan::PlanCandidate> candidates(const PlanArgs& a,
                                            const std::vector<std::vector<int64_t>>& tilings,
                                            const std::vector<mel::Strategy>& strategies,
                                            const train::ModelConfig& base) {
  std::vector<nn::Precision> precisions;
  for (const auto& p : a.precisions) precisions.push_back(core::parse_choice<nn::Precision>(p));
  std::vector<plan::PlanCandidate> out;
  for (mel::Strategy strategy : strategies) {
    for (const auto& tile : tilings) {
      for (nn::Precision precision : precisions) {
        train::ModelConfig model = base;
        model.tile = tile;
        model.precision = precision;
        out.push_back({plan::candidate_label(strategy, model), strategy, model});
      }
    }
  }
  return out;
}

void run_plan(const PlanArgs& a) {
  std::vector<std::string> overrides = a.overrides;
  if (!a.arch.empty()) overrides.push_back("model.arch=\"" + a.arch + "\"");
  if (a.unrolls > 0) overrides.push_back("model.unrolls=" + std::to_string(a.unrolls));
  const train::TrainConfig config = train::load_config(a.config, overrides);
  plan::PlanRequest r;
  r.kind = core::parse_choice<io::DataKind>(a.kind);
  r.shape = parse_shape(a.shape);
  check_one_size_per_axis("--shape", a.shape, r.shape, r.kind);
  r.coils = a.coils;
  r.budget_bytes = a.budget.empty() ? 0 : plan::parse_bytes(a.budget);
  std::vector<std::vector<int64_t>> tilings{{}};
  for (const auto& t : a.tiles) tilings.push_back(checked_tiling(t, config, r.kind));
  r.candidates = candidates(a, tilings, applicable_strategies(a, config, r.kind), config.model);
  r.device = core::device_choice(a.device, "--device");
  const plan::Plan plan = plan::make_plan(r);
  std::cout << plan.table();
  if (r.budget_bytes > 0) {
    MELRECON_CHECK(plan.chosen >= 0, "plan: no configuration fits the budget of {}", a.budget);
    std::cout << fmt::format("fastest under {}: {}\n", a.budget,
                             plan.rows[plan.chosen].candidate.label);
  }
}

}  // namespace

void add_plan_command(CLI::App& app) {
  auto a = std::make_shared<PlanArgs>();
  auto* cmd = app.add_subcommand(
      "plan",
      "Predict the peak memory and step time of training each gradient strategy x tiling x "
      "precision on data of a given shape, before training: one real step of each at two "
      "reduced sizes of the first axis (Z, T, or Y for 2D) on --device, extrapolated to the "
      "full size; with --budget, the fastest configuration that fits. The network comes from "
      "--config / --set (the keys of `melrecon train`)");
  cmd->add_option("--kind", a->kind, "Data kind: 2d, 3d or cine")
      ->capture_default_str()
      ->check(names_of<io::DataKind>());
  cmd->add_option("--shape", a->shape,
                  "Image size of one example: Y,X (2d), Z,Y,X (3d), T,Y,X (cine)")
      ->required();
  cmd->add_option("--coils", a->coils, "Receive coils")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--arch", a->arch, "Unrolled network (model.arch): modl or varnet")
      ->check(names_of<train::Arch>());
  cmd->add_option("--unrolls", a->unrolls, "Unrolls (model.unrolls)")->check(CLI::Range(1, 1000));
  cmd->add_option("--budget", a->budget,
                  "Memory budget, e.g. 8GiB, 512MiB (exit 1 if nothing fits)");
  cmd->add_option("--strategies", a->strategies, "Strategies to compare")
      ->capture_default_str()
      ->check(names_of<mel::Strategy>());
  cmd->add_option("--tile", a->tiles,
                  "A tiling to compare besides untiled, one size per image axis, 0 = uncut "
                  "(e.g. 0,64,64; repeatable)");
  cmd->add_option("--precisions", a->precisions, "CNN precisions to compare")
      ->capture_default_str()
      ->check(names_of<nn::Precision>());
  cmd->add_option("--config", a->config, "JSON configuration file (as for train)");
  cmd->add_option("--set", a->overrides, "Override a key: --set model.features=32 (repeatable)");
  cmd->add_option("--device", a->device, "cpu or cuda[:N]")->capture_default_str();
  cmd->callback([a, cmd] {
    a->strategies_given = cmd->count("--strategies") > 0;
    run_plan(*a);
  });
}

}  // namespace melrecon::app

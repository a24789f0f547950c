#include "mel/self_check.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>

#include <chrono>

#include "core/memory_meter.h"
#include "mel/gradient_strategy.h"
#include "modl/random_problem.h"

namespace melrecon::mel {
namespace {

struct Case {
  const char* name;
  modl::RandomProblemSpec spec;
  nn::ConvKind conv;
};

std::vector<Case> cases() {
  return {{"2d", {{2, 24, 20}, 4, {}}, nn::ConvKind::conv2d},
          {"3d", {{1, 6, 16, 12}, 4, {}}, nn::ConvKind::conv3d},
          {"cine", {{1, 8, 16, 12}, 4, {1, 2}}, nn::ConvKind::conv2p1d}};
}

double tolerance_of(const std::string& strategy) {
  if (strategy == "mel") return 1e-10;
  if (strategy == "mel-invertible") return 1e-5;
  return 0.0;
}

}  // namespace

std::vector<SelfCheckRow> run_self_check(const SelfCheckOptions& options) {
  core::MemoryMeter::install();
  const c10::Device cpu(c10::kCPU);
  std::vector<SelfCheckRow> rows;
  for (const Case& c : cases()) {
    const modl::ModlProblem problem = modl::random_problem(c.spec, options.seed);
    // A contractive CNN and converged CG, so that the invertible strategy applies too.
    const auto modl_options =
        modl::ModlOptions()
            .num_unrolls(options.num_unrolls)
            .cg_iters(300)
            .cg_tol(1e-12)
            .denoiser(nn::DenoiserOptions().cnn(
                nn::ResidualCnnOptions().kind(c.conv).num_layers(5).features(8).lipschitz(0.9)));
    at::manual_seed(options.seed);
    modl::Modl model(modl_options);
    model->to(at::kDouble);
    model->update_normalisation();
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(options.seed + 1);
    const at::Tensor target = at::randn(problem.aty.sizes(), gen, problem.aty.options());
    const LossFn loss = [&](const at::Tensor& x) { return (x - target).abs().pow(2).sum(); };

    std::vector<at::Tensor> reference;
    for (const std::string& name : gradient_strategy_names()) {
      model->zero_grad();
      auto strategy = make_gradient_strategy(name);
      core::PeakScope scope(cpu);
      const auto start = std::chrono::steady_clock::now();
      const StepResult step = strategy->forward_backward(model, problem, loss);
      SelfCheckRow row{c.name, name, 0.0, tolerance_of(name), scope.peak_increase(),
                       std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
                           .count(),
                       step.stats.fallbacks};
      for (double e : step.stats.inversion_errors) row.max_drift = std::max(row.max_drift, e);
      std::vector<at::Tensor> grads;
      for (const auto& p : model->parameters()) grads.push_back(p.grad().clone());
      if (reference.empty()) {
        reference = grads;
      } else {
        for (size_t i = 0; i < grads.size(); ++i) {
          const double err =
              ((grads[i] - reference[i]).norm() / reference[i].norm().clamp_min(1e-300))
                  .item<double>();
          row.gradient_error = std::max(row.gradient_error, err);
        }
      }
      rows.push_back(row);
    }
  }
  return rows;
}

std::string format_self_check(const std::vector<SelfCheckRow>& rows) {
  std::string out = fmt::format("{:<5} {:<15} {:>18} {:>10} {:>12} {:>9} {:>9} {:>9}  {}\n",
                                "data", "strategy", "max rel grad error", "tolerance",
                                "peak bytes", "seconds", "drift", "fallbacks", "result");
  for (const auto& r : rows) {
    const bool reference = r.strategy == "full";
    out += fmt::format("{:<5} {:<15} {:>18} {:>10} {:>12} {:>9.3f} {:>9} {:>9}  {}\n",
                       r.data, r.strategy,
                       reference ? "(reference)" : fmt::format("{:.2e}", r.gradient_error),
                       reference ? "" : fmt::format("{:.0e}", r.tolerance), r.peak_bytes,
                       r.seconds,
                       r.strategy == "mel-invertible" ? fmt::format("{:.1e}", r.max_drift) : "",
                       r.fallbacks, r.ok() ? "ok" : "FAILED");
  }
  return out;
}

}  // namespace melrecon::mel

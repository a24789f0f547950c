#include "train/selftest.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>

#include <chrono>

#include "core/memory_meter.h"
#include "mel/gradient_strategy.h"
#include "modl/modl_net.h"
#include "unrolled/random_problem.h"
#include "varnet/varnet.h"

namespace melrecon::train {
namespace {

struct Case {
  const char* name;
  unrolled::RandomProblemSpec spec;
  nn::ConvKind conv;
};

std::vector<Case> cases() {
  return {{"2d", {{2, 24, 20}, 4, {}}, nn::ConvKind::conv2d},
          {"3d", {{1, 6, 16, 12}, 4, {}}, nn::ConvKind::conv3d},
          {"cine", {{1, 8, 16, 12}, 4, {1, 2}}, nn::ConvKind::conv2p1d}};
}

double tolerance_of(mel::Strategy strategy) {
  switch (strategy) {
    case mel::Strategy::full:
      return 0.0;
    case mel::Strategy::mel:
      return 1e-10;
    case mel::Strategy::mel_invertible:
      return 1e-5;
  }
  return 0.0;
}

// A contractive CNN (and, for MoDL, converged CG; for VarNet, step + Lip(R) < 1) so that the
// invertible strategy applies too.
std::shared_ptr<unrolled::UnrolledModel> build(Arch arch, const Case& c, int64_t unrolls) {
  const auto cnn = [&](double lipschitz) {
    return nn::DenoiserOptions().cnn(
        nn::ResidualCnnOptions().kind(c.conv).num_layers(5).features(8).lipschitz(lipschitz));
  };
  if (arch == Arch::varnet) {
    varnet::VarNetOptions o;
    o.num_unrolls(unrolls);
    o.step_size(0.3);
    o.regulariser(cnn(0.5));
    return std::make_shared<varnet::VarNetImpl>(o);
  }
  return std::make_shared<modl::ModlImpl>(
      modl::ModlOptions().num_unrolls(unrolls).cg_iters(300).cg_tol(1e-12).denoiser(cnn(0.9)));
}

// Every strategy on one architecture and data kind, `full` first as the reference.
void check_case(Arch arch, const Case& c, const SelftestOptions& options,
                std::vector<SelftestRow>& rows) {
  const c10::Device cpu(c10::kCPU);
  const unrolled::Problem problem = unrolled::random_problem(c.spec, options.seed());
  at::manual_seed(options.seed());
  const auto network = build(arch, c, options.num_unrolls());
  unrolled::UnrolledModel& model = *network;
  model.module().to(at::kDouble);
  model.update_normalisation();
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(options.seed() + 1);
  const at::Tensor target = at::randn(problem.aty.sizes(), gen, problem.aty.options());
  const mel::LossFn loss = [&](const at::Tensor& x) { return (x - target).abs().pow(2).sum(); };

  std::vector<at::Tensor> reference;
  for (const auto& [name, _] : choices(mel::Strategy{}).table) {
    model.module().zero_grad();
    auto strategy = mel::make_gradient_strategy(name);
    core::PeakScope scope(cpu);
    const auto start = std::chrono::steady_clock::now();
    const mel::StepResult step = strategy->forward_backward(model, problem, loss);
    SelftestRow row{arch,
                    c.name,
                    name,
                    0.0,
                    tolerance_of(name),
                    scope.peak_increase(),
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                    step.stats.fallbacks};
    for (double e : step.stats.inversion_errors) row.max_drift = std::max(row.max_drift, e);
    std::vector<at::Tensor> grads;
    for (const auto& p : model.module().parameters()) grads.push_back(p.grad().clone());
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

}  // namespace

std::vector<SelftestRow> run_selftest(const SelftestOptions& options) {
  core::MemoryMeter::install();
  std::vector<SelftestRow> rows;
  for (const auto& [arch, _] : choices(Arch{}).table) {
    for (const Case& c : cases()) check_case(arch, c, options, rows);
  }
  return rows;
}

std::string format_selftest(const std::vector<SelftestRow>& rows) {
  std::string out = fmt::format("{:<7} {:<5} {:<15} {:>18} {:>10} {:>12} {:>9} {:>9} {:>9}  {}\n",
                                "arch", "data", "strategy", "max rel grad error", "tolerance",
                                "peak bytes", "seconds", "drift", "fallbacks", "result");
  for (const auto& r : rows) {
    const bool reference = r.strategy == mel::Strategy::full;
    out += fmt::format(
        "{:<7} {:<5} {:<15} {:>18} {:>10} {:>12} {:>9.3f} {:>9} {:>9}  {}\n",
        core::choice_name(r.arch), r.data, core::choice_name(r.strategy),
        reference ? "(reference)" : fmt::format("{:.2e}", r.gradient_error),
        reference ? "" : fmt::format("{:.0e}", r.tolerance), r.peak_bytes, r.seconds,
        r.strategy == mel::Strategy::mel_invertible ? fmt::format("{:.1e}", r.max_drift) : "",
        r.fallbacks, r.ok() ? "ok" : "FAILED");
  }
  return out;
}

}  // namespace melrecon::train

#include "train/memory_planner.h"

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <torch/optim/adam.h>

#include <chrono>
#include <cmath>
#include <regex>

#include "core/device_sync.h"
#include "core/error.h"
#include "core/memory_meter.h"
#include "io/dataset.h"
#include "modl/random_problem.h"
#include "train/model_factory.h"
#include "train/optimiser_step.h"

namespace melrecon::train {
namespace {

std::string format_bytes(int64_t bytes) {
  if (bytes < (int64_t{1} << 30)) return fmt::format("{:.1f} MiB", bytes / 1048576.0);
  return fmt::format("{:.2f} GiB", bytes / 1073741824.0);
}

// Affine through (x1, y1), (x2, y2), evaluated at x.
double extrapolate(double x1, double y1, double x2, double y2, double x) {
  return x2 == x1 ? y2 : y1 + (y2 - y1) * (x - x1) / (x2 - x1);
}

// Probes along the first spatial axis: long enough for one tile and its halo, and for the
// data to be more than a sliver.
std::vector<int64_t> probe_sizes(const PlanRequest& r, const ModelConfig& model) {
  const int64_t full = r.shape.at(0);
  int64_t n1 = r.min_probe;
  const std::vector<int64_t> tile = model.tile;
  if (!tile.empty() && tile[0] > 0) n1 = std::max(n1, tile[0] + 2 * model.layers);
  n1 += n1 % 2;  // even sizes: the FFT without shift copies, as at full size
  if (2 * n1 >= full) return {full};
  return {n1, 2 * n1};
}

}  // namespace

std::string candidate_label(const std::string& strategy, const ModelConfig& model) {
  std::string label = strategy;
  if (!model.tile.empty()) label += ", tile " + fmt::format("{}", fmt::join(model.tile, ","));
  if (model.precision != "float32") label += ", " + model.precision;
  return label;
}

StepMeasurement measure_training_step(const PlanCandidate& candidate, io::DataKind kind,
                                      const std::vector<int64_t>& shape, int64_t coils,
                                      const std::vector<int64_t>& fft_axes, c10::Device device) {
  if (device.is_cpu()) core::MemoryMeter::install();
  const int64_t before = core::MemoryMeter::current_bytes(device);
  core::MemoryMeter::reset_peak(device);
  StepMeasurement m;
  {
    at::manual_seed(0);
    modl::Modl model(modl_options(candidate.model, kind));
    model->to(device);
    modl::RandomProblemSpec spec;
    spec.image_shape = shape;
    spec.image_shape.insert(spec.image_shape.begin(), 1);
    spec.coils = coils;
    spec.fft_axes = fft_axes.empty() ? io::default_fft_axes(kind) : fft_axes;
    spec.coil_chunk = candidate.model.coil_chunk;
    const modl::ModlProblem problem = modl::random_problem(spec, 1, at::kComplexFloat, device);
    const at::Tensor target = at::randn_like(problem.aty);
    OptimConfig optim;
    optim.strategy = candidate.strategy;
    auto strategy = gradient_strategy(optim);
    torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(optim.lr));
    LossScaler scaler(candidate.model.precision == "float16");
    const mel::LossFn loss = [&](const torch::Tensor& x) { return (x - target).abs().mean(); };
    for (int step = 0; step < 2; ++step) {  // the second step is timed: buffers exist by then
      const auto start = std::chrono::steady_clock::now();
      optimiser_step(model, *strategy, adam, problem, loss, scaler, optim.grad_clip);
      core::synchronize(device);
      m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
  }
  m.peak_bytes = core::MemoryMeter::peak_bytes(device) - before;
  return m;
}

Plan make_plan(const PlanRequest& r) {
  core::check(!r.shape.empty(), "plan: the data shape is empty");
  Plan plan;
  for (const auto& c : r.candidates) {
    PlanRow row{c, probe_sizes(r, c.model), {}, 0, 0.0, true};
    std::vector<double> seconds;
    for (int64_t n : row.probe_sizes) {
      std::vector<int64_t> shape = r.shape;
      shape[0] = n;
      const StepMeasurement m = measure_training_step(c, r.kind, shape, r.coils, r.fft_axes, r.device);
      row.probe_bytes.push_back(m.peak_bytes);
      seconds.push_back(m.seconds);
    }
    const auto& n = row.probe_sizes;
    const double full = static_cast<double>(r.shape[0]);
    const size_t last = n.size() - 1;
    row.predicted_bytes = static_cast<int64_t>(std::llround(
        extrapolate(n[0], row.probe_bytes[0], n[last], row.probe_bytes[last], full)));
    row.predicted_seconds = extrapolate(n[0], seconds[0], n[last], seconds[last], full);
    row.fits = r.budget_bytes <= 0 || row.predicted_bytes <= r.budget_bytes;
    plan.rows.push_back(row);
  }
  for (size_t i = 0; i < plan.rows.size(); ++i) {
    const auto& row = plan.rows[i];
    if (row.fits && (plan.chosen < 0 || row.predicted_seconds < plan.rows[plan.chosen].predicted_seconds)) {
      plan.chosen = static_cast<int>(i);
    }
  }
  return plan;
}

std::string Plan::table() const {
  std::string out = fmt::format("{:<36} {:>14} {:>12} {:>6}  {}\n", "configuration", "predicted peak",
                                "step [s]", "fits", "probes (first-axis size: peak)");
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    std::string probes;
    for (size_t p = 0; p < row.probe_sizes.size(); ++p) {
      probes += fmt::format("{}{}: {}", p ? ", " : "", row.probe_sizes[p], format_bytes(row.probe_bytes[p]));
    }
    out += fmt::format("{:<36} {:>14} {:>12.2f} {:>6}  {}{}\n", row.candidate.label,
                       format_bytes(row.predicted_bytes), row.predicted_seconds,
                       row.fits ? "yes" : "no", probes,
                       static_cast<int>(i) == chosen ? "   <- chosen" : "");
  }
  return out;
}

int64_t parse_bytes(const std::string& text) {
  static const std::regex pattern(R"(^\s*([0-9]*\.?[0-9]+)\s*([KMGT]?)(i?B?)\s*$)", std::regex::icase);
  std::smatch m;
  if (!std::regex_match(text, m, pattern)) {
    throw core::UsageError("'" + text + "' is not a memory size (e.g. 8GiB, 512MiB, 2.5G)");
  }
  const double value = std::stod(m[1]);
  const char unit = m[2].length() ? static_cast<char>(std::toupper(m[2].str()[0])) : ' ';
  const double scale = unit == 'K' ? 1024.0 : unit == 'M' ? 1048576.0
                     : unit == 'G' ? 1073741824.0 : unit == 'T' ? 1099511627776.0 : 1.0;
  return static_cast<int64_t>(std::llround(value * scale));
}

}  // namespace melrecon::train

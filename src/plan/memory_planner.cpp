#include "plan/memory_planner.h"

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/optim/adam.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <regex>

#include "core/device_sync.h"
#include "core/error.h"
#include "core/memory_meter.h"
#include "io/dataset.h"
#include "train/model_factory.h"
#include "train/optimiser_step.h"
#include "unrolled/random_problem.h"

namespace melrecon::plan {
namespace {

std::string format_bytes(int64_t bytes) {
  if (bytes < (int64_t{1} << 30)) return fmt::format("{:.1f} MiB", bytes / 1048576.0);
  return fmt::format("{:.2f} GiB", bytes / 1073741824.0);
}

// Affine through (x1, y1), (x2, y2), evaluated at x.
double extrapolate(double x1, double y1, double x2, double y2, double x) {
  return x2 == x1 ? y2 : y1 + (y2 - y1) * (x - x1) / (x2 - x1);
}

double volume(const std::vector<int64_t>& shape) {
  double v = 1;
  for (int64_t s : shape) v *= static_cast<double>(s);
  return v;
}

// LibTorch's CPU convolution picks its algorithm by batch x channels x Z x Y of a 3D input (not
// X): above 20480 oneDNN, below an im2col convolution with a 27·channels·V buffer. A probe must
// take the full size's choice for every layer, down to the 2 channels of a complex image, so its
// Z·Y stays at least min(full Z·Y, 20480 / 2 + 1) and the probe shrinks X (the readout) instead.
constexpr double kMinProbeZy = 20480 / 2 + 1;

// One probe shape of about `target` voxels: the axes a tile cuts keep their size (the CNN's
// activations there are a tile's, whatever the size), the free ones shrink in proportion, to even
// sizes (the FFT without shift copies, as at full size), at least 2.
std::vector<int64_t> probe_shape(const std::vector<int64_t>& full, const std::vector<bool>& free,
                                 double target) {
  std::vector<double> size(full.begin(), full.end());
  int free_count = 0;
  for (bool f : free) free_count += f;
  const double factor = std::pow(std::min(1.0, target / volume(full)), 1.0 / free_count);
  for (size_t a = 0; a < full.size(); ++a) {
    if (free[a]) size[a] *= factor;
  }
  if (full.size() == 3 && free[2] && (free[0] || free[1])) {
    const double zy = std::min(kMinProbeZy, static_cast<double>(full[0] * full[1]));
    const double before = size[0] * size[1];
    if (zy > before) {
      const double per_axis = std::pow(zy / before, 1.0 / (free[0] + free[1]));
      for (size_t a : {0, 1}) {
        if (free[a]) size[a] = std::min(size[a] * per_axis, static_cast<double>(full[a]));
      }
      size[2] *= before / (size[0] * size[1]);  // the same volume
    }
  }
  std::vector<int64_t> shape = full;
  for (size_t a = 0; a < full.size(); ++a) {
    if (!free[a]) continue;
    const int64_t even = 2 * static_cast<int64_t>(std::ceil(0.5 * size[a]));
    shape[a] = std::clamp<int64_t>(even, std::min<int64_t>(2, full[a]), full[a]);
  }
  return shape;
}

// The probe shapes: about `probe_voxels`, and that with the last free axis below its full size
// doubled; the full shape alone when that is barely larger.
std::vector<std::vector<int64_t>> probe_shapes(const PlanRequest& r,
                                               const train::ModelConfig& model) {
  const std::vector<int64_t>& full = r.shape;
  std::vector<bool> free(full.size(), true);
  bool any_free = false;
  for (size_t a = 0; a < full.size(); ++a) {
    free[a] = !(a < model.tile.size() && model.tile[a] > 0 && model.tile[a] < full[a]);
    any_free = any_free || free[a];
  }
  if (!any_free) return {full};
  std::vector<int64_t> small = probe_shape(full, free, static_cast<double>(r.probe_voxels));
  std::vector<int64_t> large = small;
  for (size_t a = full.size(); a-- > 0;) {
    if (free[a] && small[a] < full[a]) {
      large[a] = std::min(2 * small[a], full[a]);
      break;
    }
  }
  if (2 * volume(large) >= volume(full)) return {full};
  return {small, large};
}

// Unroll counts to probe: 2 and 3 (the growth per unroll is steady from 2 on), or the count
// itself when it is that small.
std::vector<int64_t> probe_unrolls(int64_t unrolls) {
  if (unrolls <= 3) return {unrolls};
  return {2, 3};
}

}  // namespace

std::string candidate_label(mel::Strategy strategy, const train::ModelConfig& model) {
  std::string label = core::choice_name(strategy);
  if (!model.tile.empty()) label += ", tile " + fmt::format("{}", fmt::join(model.tile, ","));
  if (model.precision != nn::Precision::float32) {
    label += ", " + std::string(core::choice_name(model.precision));
  }
  return label;
}

StepMeasurement measure_training_step(const PlanCandidate& candidate, io::DataKind kind,
                                      const std::vector<int64_t>& shape, int64_t coils,
                                      const std::vector<int64_t>& fft_axes, c10::Device device,
                                      int steps) {
  if (device.is_cpu()) core::MemoryMeter::install();
  const int64_t before = core::MemoryMeter::current_bytes(device);
  core::MemoryMeter::reset_peak(device);
  StepMeasurement m;
  {
    at::manual_seed(0);
    const train::Network network = train::build_network(candidate.model, kind);
    unrolled::UnrolledModel& model = *network;
    model.module().to(device);
    unrolled::RandomProblemSpec spec;
    spec.image_shape = shape;
    spec.image_shape.insert(spec.image_shape.begin(), 1);
    spec.coils = coils;
    spec.fft_axes = fft_axes.empty() ? io::default_fft_axes(kind) : fft_axes;
    spec.coil_chunk = candidate.model.coil_chunk;
    const unrolled::Problem problem = unrolled::random_problem(spec, 1, at::kComplexFloat, device);
    const at::Tensor target = at::randn_like(problem.aty);
    train::OptimConfig optim;
    optim.strategy = candidate.strategy;
    auto strategy = train::gradient_strategy(optim);
    torch::optim::Adam adam(model.module().parameters(), torch::optim::AdamOptions(optim.lr));
    train::LossScaler scaler(candidate.model.precision == nn::Precision::float16);
    const mel::LossFn loss = [&](const at::Tensor& x) { return (x - target).abs().mean(); };
    for (int step = 0; step < steps; ++step) {  // the last step is timed
      const auto start = std::chrono::steady_clock::now();
      train::optimiser_step(model, *strategy, adam, problem, loss, scaler, optim.grad_clip);
      core::synchronize(device);
      m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
  }
  m.peak_bytes = core::MemoryMeter::peak_bytes(device) - before;
  return m;
}

Plan make_plan(const PlanRequest& r) {
  MELRECON_CHECK(!r.shape.empty(), "plan: the data shape is empty");
  Plan plan;
  if (r.device.is_cuda() && !r.candidates.empty()) {
    // A process's first CUDA step also allocates what it keeps for its lifetime (cuBLAS's
    // workspace); a step before the probes keeps that out of the growth they measure.
    PlanCandidate warm_up = r.candidates.front();
    warm_up.model.unrolls = 1;
    measure_training_step(warm_up, r.kind, probe_shapes(r, warm_up.model).front(), r.coils,
                          r.fft_axes, r.device, 1);
  }
  for (const auto& c : r.candidates) {
    PlanRow row{c, {}, 0, 0.0, true};
    const auto shapes = probe_shapes(r, c.model);
    const auto unrolls = probe_unrolls(c.model.unrolls);
    // Peak: bilinear in (volume, unrolls), along the volume at each unroll count, then along
    // the unrolls. Time: from the last unroll count's probes, which find LibTorch's kernels for
    // their shapes already prepared (the first step at a shape is slower), along the volume, then
    // in proportion to the unrolls. With a single unroll count each probe takes a second step.
    const int steps = unrolls.size() == 1 ? 2 : 1;
    const double v = volume(r.shape);
    std::vector<double> bytes_at_full;
    double seconds_at_full = 0;
    for (int64_t u : unrolls) {
      PlanCandidate probe_candidate = c;
      probe_candidate.model.unrolls = u;
      std::vector<PlanProbe> line;
      for (const auto& shape : shapes) {
        const StepMeasurement m = measure_training_step(probe_candidate, r.kind, shape, r.coils,
                                                        r.fft_axes, r.device, steps);
        line.push_back({shape, u, m.peak_bytes, m.seconds});
      }
      const PlanProbe& a = line.front();
      const PlanProbe& b = line.back();
      bytes_at_full.push_back(extrapolate(volume(a.shape), static_cast<double>(a.peak_bytes),
                                          volume(b.shape), static_cast<double>(b.peak_bytes), v));
      seconds_at_full = extrapolate(volume(a.shape), a.seconds, volume(b.shape), b.seconds, v);
      row.probes.insert(row.probes.end(), line.begin(), line.end());
    }
    const double u1 = static_cast<double>(unrolls.front());
    const double u2 = static_cast<double>(unrolls.back());
    const double n = static_cast<double>(c.model.unrolls);
    row.predicted_bytes = static_cast<int64_t>(
        std::llround(extrapolate(u1, bytes_at_full.front(), u2, bytes_at_full.back(), n)));
    row.predicted_seconds = std::max(0.0, seconds_at_full) * n / u2;
    row.fits = r.budget_bytes <= 0 || row.predicted_bytes <= r.budget_bytes;
    plan.rows.push_back(row);
  }
  for (size_t i = 0; i < plan.rows.size(); ++i) {
    const auto& row = plan.rows[i];
    if (row.fits &&
        (plan.chosen < 0 || row.predicted_seconds < plan.rows[plan.chosen].predicted_seconds)) {
      plan.chosen = static_cast<int>(i);
    }
  }
  return plan;
}

std::string Plan::table() const {
  std::string out =
      fmt::format("{:<36} {:>14} {:>12} {:>6}  {}\n", "configuration", "predicted peak", "step [s]",
                  "fits", "probes (shape x unrolls: peak)");
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    std::string probes;
    for (size_t p = 0; p < row.probes.size(); ++p) {
      const PlanProbe& probe = row.probes[p];
      probes += fmt::format("{}{}x{}: {}", p ? ", " : "", fmt::join(probe.shape, "x"),
                            probe.unrolls, format_bytes(probe.peak_bytes));
    }
    out += fmt::format("{:<36} {:>14} {:>12.2f} {:>6}  {}{}\n", row.candidate.label,
                       format_bytes(row.predicted_bytes), row.predicted_seconds,
                       row.fits ? "yes" : "no", probes,
                       static_cast<int>(i) == chosen ? "   <- chosen" : "");
  }
  return out;
}

int64_t parse_bytes(const std::string& text) {
  static const std::regex pattern(R"(^\s*([0-9]*\.?[0-9]+)\s*([KMGT]?)(i?B?)\s*$)",
                                  std::regex::icase);
  std::smatch m;
  if (!std::regex_match(text, m, pattern)) {
    throw core::UsageError("'" + text + "' is not a memory size (e.g. 8GiB, 512MiB, 2.5G)");
  }
  const double value = std::stod(m[1]);
  const char unit = m[2].length() ? static_cast<char>(std::toupper(m[2].str()[0])) : ' ';
  const double scale = unit == 'K'   ? 1024.0
                       : unit == 'M' ? 1048576.0
                       : unit == 'G' ? 1073741824.0
                       : unit == 'T' ? 1099511627776.0
                                     : 1.0;
  // Beyond 2^62 bytes (4 EiB) the conversion would overflow: no machine has that much.
  if (value * scale > 4.6e18) {
    throw core::UsageError("'" + text + "': a memory budget beyond any machine (4 EiB at most)");
  }
  const int64_t bytes = static_cast<int64_t>(std::llround(value * scale));
  if (bytes <= 0) throw core::UsageError("'" + text + "': a memory budget must be above 0 bytes");
  return bytes;
}

}  // namespace melrecon::plan

// Peak memory and step time of one MoDL training step per gradient strategy and number of
// unrolls, for 2D, a 3D slab (2D FFT per slice) and 2D+time. Memory is measured: the counting
// allocator on the CPU, the CUDA caching allocator's peak allocated bytes on a GPU.
//
//   mel_memory                      CPU-sized problems (scaled down; printed in the header)
//   mel_memory --scale full --device cuda   full sizes: 256x256, a knee slab 15x320x256, cine
//   20x256x256
//   ... --tile 0,64,64 --precision bfloat16 --coil-chunk 2 --offload   the scaling options
//   ... --conv3d native|depth-major   how 3D kernels run (default: depth-major on the CPU only)
#include <ATen/ATen.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "bench_util.h"
#include "core/device_sync.h"
#include "core/memory_meter.h"
#include "mel/gradient_strategy.h"
#include "modl/modl_net.h"
#include "nn/residual_cnn.h"
#include "train/config_choices.h"
#include "unrolled/random_problem.h"
#include "varnet/varnet.h"

using namespace melrecon;

namespace {

struct BenchCase {
  std::string name;
  unrolled::RandomProblemSpec spec;
  nn::ConvKind conv;
};

std::vector<BenchCase> bench_cases(const std::string& scale, int64_t coils) {
  const bool full = scale == "full";
  // 3D slab: readout slices first, a 2D FFT per slice over (ky, kz); cine: a 2D FFT per frame.
  return {
      {"2d",
       {full ? std::vector<int64_t>{1, 256, 256} : std::vector<int64_t>{1, 128, 128}, coils, {}},
       nn::ConvKind::conv2d},
      {"3d-slab",
       {full ? std::vector<int64_t>{1, 15, 320, 256} : std::vector<int64_t>{1, 8, 64, 64},
        coils,
        {1, 2}},
       nn::ConvKind::conv3d},
      {"cine",
       {full ? std::vector<int64_t>{1, 20, 256, 256} : std::vector<int64_t>{1, 10, 64, 64},
        coils,
        {1, 2}},
       nn::ConvKind::conv3d},
  };
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Peak memory and step time of MoDL training per gradient strategy and unroll count"};
  std::string scale = "cpu", device_name = "cpu";
  std::vector<int64_t> unrolls{1, 2, 5, 10, 20};
  std::vector<std::string> strategy_names = core::choice_names<mel::Strategy>();
  std::vector<std::string> only;
  std::vector<int64_t> tile;
  std::string precision = "float32", conv3d = "auto", arch = "modl";
  bool offload = false;
  int64_t features = 64, layers = 5, cg_iters = 8, coils = 8, repeats = 2, coil_chunk = 0;
  double max_full_bytes = 0;
  app.add_option("--scale", scale,
                 "cpu (scaled-down sizes) or full (256x256, 15x320x256, 20x256x256)")
      ->check(CLI::IsMember({"cpu", "full"}));
  app.add_option("--device", device_name, "cpu or cuda");
  app.add_option("--arch", arch,
                 "Unrolled network: modl (CG data consistency) or varnet (gradient steps)")
      ->check(CLI::IsMember(core::choice_names<train::Arch>()));
  app.add_option("--unrolls", unrolls, "Unroll counts")->delimiter(',');
  app.add_option("--strategies", strategy_names, "Strategies")
      ->delimiter(',')
      ->check(CLI::IsMember(core::choice_names<mel::Strategy>()));
  app.add_option("--cases", only, "Subset of 2d,3d-slab,cine")->delimiter(',');
  app.add_option("--features", features, "CNN features (released config: 64)");
  app.add_option("--layers", layers, "CNN layers (released config: 5)");
  app.add_option("--cg-iters", cg_iters, "CG iterations per data consistency (released: 8)");
  app.add_option("--coils", coils, "Receive coils");
  app.add_option("--repeats", repeats,
                 "Timed steps per configuration (median; one untimed warm-up)");
  app.add_option("--tile", tile,
                 "CNN tile size per image axis, Z,Y,X (0: uncut); 2D cases use the last two")
      ->delimiter(',');
  app.add_option("--precision", precision, "CNN compute dtype (float16 needs cuda)")
      ->check(CLI::IsMember(core::choice_names<nn::Precision>()));
  app.add_option("--conv3d", conv3d, "3D kernels: auto, native or depth-major")
      ->check(CLI::IsMember(core::choice_names<nn::Conv3dPath>()));
  app.add_option("--coil-chunk", coil_chunk, "Coils per chunk in data consistency (0: all)");
  app.add_flag("--offload", offload, "mel: stored unroll inputs in pinned host memory (cuda)");
  app.add_option(
      "--skip-full-above", max_full_bytes,
      "Skip `full` for larger unroll counts once a run exceeded this many bytes (0: never)");
  CLI11_PARSE(app, argc, argv);
  std::vector<mel::Strategy> strategies;
  for (const auto& name : strategy_names)
    strategies.push_back(core::parse_choice<mel::Strategy>(name));

  const c10::Device device(device_name);
  if (device.is_cpu()) core::MemoryMeter::install();
  int64_t rss_before = 0;  // before the warm-up of the last configuration
  int configurations = 0;
  fmt::print(
      "mel_memory: {} scale={} device={} float32, CNN {} layers x {} features (3x3[x3], ReLU) "
      "in {}, 3D convolution {}, tiles [{}], CG {} iterations, {} coils in chunks of {}, "
      "offload {}, lambda learned, implicit CG backward\n",
      arch, scale, device.str(), layers, features, precision, conv3d, fmt::join(tile, ","),
      cg_iters, coils, coil_chunk > 0 ? coil_chunk : coils, offload ? "on" : "off");
  fmt::print("{:<8} {:<16} {:>7} {:>12} {:>10} {:>9} {:>9} {:>9}\n", "case", "strategy", "unrolls",
             "peak", "step [s]", "cpu [s]", "drift", "fallbacks");
  for (const auto& c : bench_cases(scale, coils)) {
    if (!only.empty() && std::find(only.begin(), only.end(), c.name) == only.end()) continue;
    const unrolled::Problem problem =
        unrolled::random_problem(c.spec, 1, at::kComplexFloat, device);
    const at::Tensor target = at::randn_like(problem.aty);
    const size_t image_axes = c.spec.image_shape.size() - 1;
    const std::vector<int64_t> case_tile(
        tile.size() > image_axes ? tile.end() - image_axes : tile.begin(), tile.end());
    bool skip_full = false;
    for (int64_t n : unrolls) {
      at::manual_seed(0);
      const auto regulariser = nn::DenoiserOptions().tile(case_tile).cnn(
          nn::ResidualCnnOptions()
              .kind(c.conv)
              .num_layers(layers)
              .features(features)
              .lipschitz(0.9)
              .compute_dtype(nn::compute_dtype_of(core::parse_choice<nn::Precision>(precision)))
              .conv3d_path(core::parse_choice<nn::Conv3dPath>(conv3d)));
      std::shared_ptr<unrolled::UnrolledModel> network;
      if (core::parse_choice<train::Arch>(arch) == train::Arch::varnet) {
        varnet::VarNetOptions o;
        o.num_unrolls(n);
        o.regulariser(regulariser);
        o.coil_chunk(coil_chunk);
        network = std::make_shared<varnet::VarNetImpl>(o);
      } else {
        network = std::make_shared<modl::ModlImpl>(modl::ModlOptions()
                                                       .num_unrolls(n)
                                                       .cg_iters(cg_iters)
                                                       .coil_chunk(coil_chunk)
                                                       .denoiser(regulariser));
      }
      unrolled::UnrolledModel& model = *network;
      model.module().to(device);
      model.update_normalisation();
      const mel::LossFn loss = [&](const at::Tensor& x) { return (x - target).abs().mean(); };
      for (mel::Strategy kind : strategies) {
        const char* name = core::choice_name(kind);
        if (kind == mel::Strategy::full && skip_full) {
          fmt::print("{:<8} {:<16} {:>7} {:>12}\n", c.name, name, n, "skipped");
          continue;
        }
        auto strategy =
            mel::make_gradient_strategy(kind, mel::StrategyOptions().offload_to_host(offload));
        mel::StepResult last;
        model.module().zero_grad();
        rss_before = bench::current_rss_bytes();
        strategy->forward_backward(model, problem, loss);  // warm-up; .grad allocated
        core::synchronize(device);
        core::MemoryMeter::reset_peak(device);
        const bench::Timing timing = bench::median_timing(
            [&] { last = strategy->forward_backward(model, problem, loss); }, repeats, 0, device);
        // Peak over the timed steps, including the model, its gradients and the problem.
        const int64_t peak = core::MemoryMeter::peak_bytes(device);
        ++configurations;
        double drift = 0;
        for (double e : last.stats.inversion_errors) drift = std::max(drift, e);
        fmt::print(
            "{:<8} {:<16} {:>7} {:>12} {:>10.3f} {:>9.3f} {:>9} {:>9}\n", c.name, name, n,
            bench::format_bytes(peak), timing.wall, timing.cpu,
            kind == mel::Strategy::mel_invertible ? fmt::format("{:.1e}", drift) : "",
            kind == mel::Strategy::mel_invertible ? std::to_string(last.stats.fallbacks) : "");
        std::cout.flush();
        if (kind == mel::Strategy::full && max_full_bytes > 0 && peak > max_full_bytes) {
          skip_full = true;
        }
      }
    }
  }
  if (configurations == 1 && device.is_cpu()) {
    // The measure bench/pytorch_modl.py has for PyTorch on the CPU, for a side-by-side figure.
    fmt::print("resident-set growth over the run: {} (an upper bound of the peak above)\n",
               bench::format_bytes(bench::peak_rss_growth_bytes(rss_before)));
  }
  return 0;
}

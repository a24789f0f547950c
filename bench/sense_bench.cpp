// Time of one normal-operator application (AᴴA) and of a 10-iteration CG-SENSE, melrecon
// in-process vs `bart pics -l2 -i 10` on the same files, measured in the same run:
//   2D 256x256, 8 coils and 3D 64x128x128, 8 coils (complex64).
// bart runs as a process (file I/O included), so its per-iteration cost is also estimated as
// (t[-i 10] − t[-i 1]) / 9, next to melrecon's own CLI run the same way.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "bench_util.h"
#include "io/bart_layout.h"
#include "recon/cg_sense.h"
#include "unrolled/random_problem.h"

using namespace melrecon;

namespace {

double run_seconds(const std::string& command) {
  const auto start = std::chrono::steady_clock::now();
  const int rc = std::system((command + " > /dev/null 2>&1").c_str());
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return rc == 0 ? s : -1.0;
}

double median_process_seconds(const std::string& command, int repeats) {
  std::vector<double> t;
  for (int i = 0; i < repeats; ++i) t.push_back(run_seconds(command));
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Normal operator and CG-SENSE timings, melrecon vs bart"};
  std::string melrecon_exe = "build/app/melrecon", dir = "build/bench-data";
  int repeats = 5;
  app.add_option("--melrecon", melrecon_exe, "Path of the melrecon executable");
  app.add_option("--dir", dir, "Folder for the generated .cfl files");
  app.add_option("--repeats", repeats, "Repetitions (median reported)");
  CLI11_PARSE(app, argc, argv);
  std::filesystem::create_directories(dir);
  const bool have_bart = std::system("bart version > /dev/null 2>&1") == 0;
  const c10::Device cpu(c10::kCPU);
  fmt::print("sense_bench: complex64, {} threads, median of {}\n", at::get_num_threads(), repeats);
  fmt::print("{:<22} {:>14} {:>14} {:>14} {:>14} {:>14}\n", "problem", "normal [ms]", "CG10 [ms]",
             "melrecon CLI", "bart pics -i10", "bart/iter [ms]");
  struct Geometry {
    std::string name;
    unrolled::RandomProblemSpec spec;
    io::DataKind kind;
  };
  const std::vector<Geometry> geometries{
      {"2d 256x256 x8", {{1, 256, 256}, 8, {}}, io::DataKind::image2d},
      {"3d 64x128x128 x8", {{1, 64, 128, 128}, 8, {}}, io::DataKind::volume3d}};
  for (const auto& g : geometries) {
    const auto problem = unrolled::random_problem(g.spec, 1, at::kComplexFloat);
    const mri::SenseOp& op = problem.op;
    const at::Tensor x = problem.aty;
    const at::Tensor kspace = op.forward(x);
    const double normal = bench::median_timing([&] { op.normal(x); }, repeats, 1, cpu).wall;
    const double cg =
        bench::median_timing(
            [&] { recon::cg_sense(op, kspace, 0.01, solvers::CgOptions().max_iters(10)); }, repeats,
            1, cpu)
            .wall;
    const std::string base = dir + "/" + (g.kind == io::DataKind::image2d ? "b2d" : "b3d");
    io::write_bart(base + "_k", kspace, io::Role::kspace, g.kind);
    io::write_bart(base + "_s", op.maps(), io::Role::maps, g.kind);
    io::write_bart(base + "_m", op.mask().expand_as(kspace.narrow(1, 0, 1)).contiguous(),
                   io::Role::mask, g.kind);
    const std::string files = base + "_k " + base + "_s ";
    const double cli =
        median_process_seconds(melrecon_exe + " sense " + files + base + "_x --mask " + base +
                                   "_m --lambda 0.01 --iters 10",
                               repeats);
    std::string bart10 = "n/a", bart_iter = "n/a";
    if (have_bart) {
      const std::string pics = "bart pics -l2 -r 0.01 -w 1 -p " + base + "_m ";
      const double t10 = median_process_seconds(pics + "-i 10 " + files + base + "_r", repeats);
      const double t1 = median_process_seconds(pics + "-i 1 " + files + base + "_r", repeats);
      bart10 = fmt::format("{:.0f} ms", 1e3 * t10);
      bart_iter = fmt::format("{:.1f}", 1e3 * (t10 - t1) / 9);
    }
    fmt::print("{:<22} {:>14.1f} {:>14.1f} {:>11.0f} ms {:>14} {:>14}\n", g.name, 1e3 * normal,
               1e3 * cg, 1e3 * cli, bart10, bart_iter);
  }
  return 0;
}

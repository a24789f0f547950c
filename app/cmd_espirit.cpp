#include <ATen/ATen.h>

#include <iostream>
#include <optional>

#include "app/choice_option.h"
#include "app/commands.h"
#include "app/finite_option.h"
#include "app/options.h"
#include "calib/coil_maps.h"
#include "core/error.h"
#include "core/tensor_checks.h"
#include "data/case_completion.h"
#include "io/bart_layout.h"
#include "io/cfl.h"

namespace melrecon::app {
namespace {

struct EspiritArgs {
  std::string kspace;
  std::string out;
  std::string kind = "auto";
  std::string method = "espirit";
  calib::CoilMapOptions options;
  std::optional<double> crop;
};

void run_espirit(EspiritArgs a) {
  check_output_apart(a.out, {a.kspace});
  a.options.method(core::parse_choice<calib::Method>(a.method));
  if (a.crop) a.options.crop(*a.crop);
  try {
    a.options.validate();
  } catch (const core::Error& e) {
    throw core::UsageError(e.what());
  }
  const std::string file = io::cfl_base_name(a.kspace) + ".cfl";
  const io::CflArray array = io::read_cfl(a.kspace);
  const io::DataKind kind = a.kind == "auto" ? io::infer_kind(array.dims, file)
                                             : core::parse_choice<io::DataKind>(a.kind);
  const at::Tensor kspace = io::from_bart(array, io::Role::kspace, kind, file);
  core::check_finite(kspace, file);
  at::Tensor maps;
  try {
    maps = calib::estimate_coil_maps(kspace, data::calib_kind(kind), a.options);
  } catch (const core::Error& e) {
    core::fail("{}: {}", file, e.what());
  }
  io::write_bart(a.out, maps, io::Role::maps, kind);
  const double kept = (maps.abs().sum(1) > 0).to(at::kDouble).mean().item<double>();
  std::cout << core::choice_name(a.options.method()) << ": " << core::choice_name(kind) << " maps "
            << core::shape_string(maps.sizes()) << ", non-zero at " << 100.0 * kept
            << "% of the pixels -> " << a.out << "\n";
}

}  // namespace

void add_espirit_command(CLI::App& app) {
  auto args = std::make_shared<EspiritArgs>();
  auto* cmd = app.add_subcommand(
      "espirit",
      "Estimate coil sensitivity maps from the fully sampled k-space centre (ESPIRiT "
      "as `bart ecalib -m1`, or the faster low-resolution method)");
  cmd->add_option("kspace", args->kspace, "Multi-coil k-space (BART .cfl/.hdr)")->required();
  cmd->add_option("maps", args->out, "Output coil maps, same dims as the k-space")->required();
  cmd->add_option("--method", args->method,
                  "espirit: eigenvector maps of the calibration operator; lowres: low-resolution "
                  "coil images / their root-sum-of-squares (fast, blurs at object edges)")
      ->capture_default_str()
      ->check(names_of<calib::Method>());
  cmd->add_option("--kind", args->kind,
                  "Data kind: auto (from the header), 2d, 3d (inverse FFT along the readout, one "
                  "(Z, Y) calibration per x) or cine (time-averaged k-space)")
      ->capture_default_str()
      ->check(names_of<io::DataKind>({"auto"}));
  cmd->add_option("--calib", args->options.calib_size(),
                  "Largest side of the fully sampled calibration region (bart ecalib -r)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--kernel", args->options.kernel_size(), "ESPIRiT kernel side (bart ecalib -k)")
      ->capture_default_str()
      ->check(CLI::Range(1, 31));
  cmd->add_option("--threshold", args->options.threshold(),
                  "ESPIRiT: keep singular vectors with σ²/σ²_max above this (bart ecalib -t)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0))
      ->check(finite_number());
  cmd->add_option("--crop", args->crop,
                  "Zero the maps where the weight is below this: espirit, the largest eigenvalue "
                  "(default 0.8, bart ecalib -c); lowres, the fraction of the maximum low-"
                  "resolution root-sum-of-squares (default 0.05)")
      ->check(CLI::Range(0.0, 1.0))
      ->check(finite_number());
  cmd->add_option("--pixel-chunk", args->options.pixel_chunk(),
                  "ESPIRiT: pixels whose C×C eigen-decompositions are computed together (memory)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 24));
  cmd->callback([args] { run_espirit(*args); });
}

}  // namespace melrecon::app

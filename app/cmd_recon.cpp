#include <ATen/ATen.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <iostream>
#include <optional>
#include <system_error>
#include <vector>

#include "app/commands.h"
#include "app/finite_option.h"
#include "app/options.h"
#include "app/shape_option.h"
#include "core/device_choice.h"
#include "core/error.h"
#include "core/memory_meter.h"
#include "eval/trained_model.h"
#include "io/cfl.h"
#include "io/image_nifti.h"
#include "io/png.h"

namespace melrecon::app {
namespace {

struct ReconArgs {
  CaseArgs data;
  std::string model, out, png, nifti, device = "cpu";
  bool nifti_complex = false;
  std::vector<double> voxel_mm;
  std::optional<std::vector<int64_t>> tile;
};

void run_recon(const ReconArgs& a) {
  check_output_apart(a.out, {a.data.kspace, a.data.maps, a.data.mask});
  const std::string out_base = io::cfl_base_name(a.out);
  check_outputs_apart({{"out", out_base + ".cfl"},
                       {"out", out_base + ".hdr"},
                       {"--nifti", a.nifti},
                       {"--png", a.png}},
                      {a.data.kspace, a.data.maps, a.data.mask}, {a.model});
  check_output_folder(io::cfl_base_name(a.out) + ".cfl", "out");
  check_output_folder(a.png, "--png");
  check_png_output(a.png, "--png");
  check_output_folder(a.nifti, "--nifti");
  const c10::Device device = core::device_choice(a.device, "--device");
  if (device.is_cpu()) core::MemoryMeter::install();  // before anything it should count
  const io::Case c = io::load_case(a.data.files());
  eval::ReconSettings settings;
  settings.tile = a.tile;
  if (a.data.coil_chunk > 0) settings.coil_chunk = a.data.coil_chunk;  // 0: the model's own
  eval::TrainedModel trained = eval::load_trained_model(a.model, device, settings);
  eval::check_data_kind(trained, c.kind, a.data.kspace);
  const auto fft_axes = a.data.sense_options(c.kind).fft_axes();
  // The reconstruction's own peak: the case as read, then everything the network adds to it.
  const core::PeakScope reconstruction(device);
  const at::Tensor image = eval::apply_model(trained, c.kspace, c.maps, c.mask, fft_axes);
  const int64_t peak = reconstruction.peak_increase();
  MELRECON_CHECK(
      at::isfinite(image).all().item<bool>(),
      "{}: the reconstruction of {} is not finite (k-space max {:g}, coil maps max {:g})", a.model,
      a.data.kspace, c.kspace.abs().max().item<double>(), c.maps.abs().max().item<double>());
  // All outputs or none: when one cannot be written, those already written are removed.
  std::vector<std::string> written;
  try {
    io::write_bart(a.out, image, io::Role::image, c.kind);
    written = {io::cfl_base_name(a.out) + ".cfl", io::cfl_base_name(a.out) + ".hdr"};
    if (!a.nifti.empty()) {
      std::array<double, 3> spacing{};
      if (!a.voxel_mm.empty()) std::copy(a.voxel_mm.begin(), a.voxel_mm.end(), spacing.begin());
      io::write_image_nifti(a.nifti, image, c.kind, a.nifti_complex, spacing);
      written.push_back(a.nifti);
    }
    if (!a.png.empty()) {
      // first slice of a 2D stack, the middle slice of a volume or the middle frame of a series
      const at::Tensor x = image.select(0, 0);
      io::write_png_preview(a.png, x.dim() == 2 ? x : x.select(0, x.size(0) / 2));
    }
  } catch (...) {
    std::error_code ignored;
    for (const std::string& file : written) std::filesystem::remove(file, ignored);
    throw;
  }
  std::cout << core::choice_name(trained.config.model.arch) << " (" << trained.config.model.unrolls
            << " unrolls): " << a.data.kspace << " -> " << a.out
            << fmt::format(" (peak memory {:.1f} MiB above the case as read)\n", peak / 1048576.0);
  if (!a.nifti.empty()) {
    std::cout << (a.nifti_complex ? "complex (real, imaginary)" : "magnitude") << " NIfTI -> "
              << a.nifti << "\n";
  }
  if (!a.png.empty()) std::cout << "preview -> " << a.png << "\n";
}

}  // namespace

void add_recon_command(CLI::App& app) {
  auto a = std::make_shared<ReconArgs>();
  auto* cmd = app.add_subcommand(
      "recon",
      "Reconstruct one case (2D slices, a 3D volume or a cine series) with a trained model");
  cmd->add_option("--model", a->model, "Run folder or checkpoint file")->required();
  add_case_options(*cmd, a->data);
  cmd->get_option("--coil-chunk")
      ->description(std::string(kModelCoilChunkHelp) + " (0: the model's)");
  cmd->add_option("out", a->out, "Output image (BART .cfl/.hdr name)")->required();
  cmd->add_option("--png", a->png, "Also write a magnitude preview PNG (mid slice / frame)")
      ->check(non_empty_path());
  auto* nifti =
      cmd->add_option("--nifti", a->nifti,
                      "Also write the image as NIfTI-1 (.nii, or .nii.gz compressed): magnitude; "
                      "x, y, slices, then frames")
          ->check(non_empty_path());
  cmd->add_flag("--nifti-complex", a->nifti_complex,
                "NIfTI holds the complex image as two volumes (real, imaginary), not magnitude")
      ->needs(nifti);
  cmd->add_option("--voxel-size", a->voxel_mm, "Voxel size x,y,z in mm for the NIfTI header")
      ->delimiter(',')
      ->expected(3)
      ->check(CLI::Range(1e-6, 1e6))
      ->check(finite_number())
      ->needs(nifti);
  cmd->add_option("--device", a->device, "cpu or cuda[:N]")->capture_default_str();
  add_tile_option(*cmd, a->tile);
  cmd->callback([a] { run_recon(*a); });
}

}  // namespace melrecon::app

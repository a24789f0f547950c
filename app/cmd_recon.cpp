#include <ATen/ATen.h>
#include <fmt/format.h>

#include <iostream>

#include "app/commands.h"
#include "app/options.h"
#include "core/error.h"
#include "eval/trained_model.h"
#include "io/png.h"

namespace melrecon::app {
namespace {

struct ReconArgs {
  CaseArgs data;
  std::string model, out, png, device = "cpu";
};

void run_recon(const ReconArgs& a) {
  const io::Case c = io::load_case(a.data.files());
  eval::TrainedModel trained = eval::load_trained_model(a.model, c10::Device(a.device));
  MELRECON_CHECK(trained.kind == c.kind, "{}: the model was trained on {} data, {} is {} data",
                 a.model, core::choice_name(trained.kind), a.data.kspace,
                 core::choice_name(c.kind));
  const auto fft_axes = a.data.sense_options(c.kind).fft_axes();
  const at::Tensor image = eval::apply_model(trained, c.kspace, c.maps, c.mask, fft_axes);
  MELRECON_CHECK(
      at::isfinite(image).all().item<bool>(),
      "{}: the reconstruction of {} is not finite (k-space max {:g}, coil maps max {:g})", a.model,
      a.data.kspace, c.kspace.abs().max().item<double>(), c.maps.abs().max().item<double>());
  io::write_bart(a.out, image, io::Role::image, c.kind);
  std::cout << core::choice_name(trained.config.model.arch) << " (" << trained.config.model.unrolls
            << " unrolls): " << a.data.kspace << " -> " << a.out << "\n";
  if (!a.png.empty()) {
    // first slice of a 2D stack, the middle slice of a volume or the middle frame of a series
    const at::Tensor x = image.select(0, 0);
    io::write_png_preview(a.png, x.dim() == 2 ? x : x.select(0, x.size(0) / 2));
    std::cout << "preview -> " << a.png << "\n";
  }
}

}  // namespace

void add_recon_command(CLI::App& app) {
  auto a = std::make_shared<ReconArgs>();
  auto* cmd = app.add_subcommand(
      "recon",
      "Reconstruct one case (2D slices, a 3D volume or a cine series) with a trained model");
  cmd->add_option("--model", a->model, "Run folder or checkpoint file")->required();
  add_case_options(*cmd, a->data);
  cmd->add_option("out", a->out, "Output image (BART .cfl/.hdr name)")->required();
  cmd->add_option("--png", a->png, "Also write a magnitude preview PNG (mid slice / frame)");
  cmd->add_option("--device", a->device, "cpu or cuda[:N]")->capture_default_str();
  cmd->callback([a] { run_recon(*a); });
}

}  // namespace melrecon::app

#include <iostream>

#include "app/choice_option.h"
#include "app/commands.h"
#include "app/finite_option.h"
#include "app/shape_option.h"
#include "io/bart_layout.h"
#include "sampling/masks.h"

namespace melrecon::app {
namespace {

struct MaskArgs {
  std::string kind;
  std::string shape;
  // Kind and shape are set from the two strings above; the flags bind to the rest.
  sampling::MaskOptions options{sampling::MaskKind::volume3d, {}};
  std::string out;
};

io::DataKind data_kind_of(sampling::MaskKind kind) {
  switch (kind) {
    case sampling::MaskKind::volume3d:
      return io::DataKind::volume3d;
    case sampling::MaskKind::lines2d:
    case sampling::MaskKind::poisson2d:
      return io::DataKind::image2d;
    case sampling::MaskKind::cine_vista:
    case sampling::MaskKind::cine_random:
      return io::DataKind::cine;
  }
  return io::DataKind::image2d;
}

void run_mask(MaskArgs a) {
  const sampling::MaskKind kind = core::parse_choice<sampling::MaskKind>(a.kind);
  const sampling::Mask m = sampling::make_mask(a.options.kind(kind).shape(parse_shape(a.shape)));
  io::write_bart(a.out, m.mask, io::Role::mask, data_kind_of(kind));
  std::cout << "mask " << a.kind << ": R = " << m.accel() << " (requested " << a.options.accel()
            << "), " << m.sampled << " of " << m.locations << " k-space locations sampled -> "
            << a.out << "\n";
}

}  // namespace

void add_mask_command(CLI::App& app) {
  auto args = std::make_shared<MaskArgs>();
  auto* cmd = app.add_subcommand(
      "mask",
      "Write a sampling mask (BART .cfl/.hdr, float 0/1) broadcastable to k-space of the given "
      "shape, and print its achieved acceleration R = k-space locations / sampled locations.\n"
      "Kinds (mask dims in BART order READ, PHS1, PHS2|TIME):\n"
      "  3d           variable-density Poisson-disc over (ky, kz), readout fully sampled: 1 x Y x "
      "Z\n"
      "  2d-lines     random ky lines + calib central lines (fastMRI style): 1 x Y\n"
      "  2d-poisson   variable-density Poisson-disc over (ky, kx): X x Y\n"
      "  cine-vista   VISTA-like lines per frame, golden-ratio interleaved: 1 x Y x T\n"
      "  cine-random  random lines per frame: 1 x Y x T\n"
      "Cine calibration: each central line is sampled in at least one frame (their union over "
      "time is fully sampled), not in every frame.");
  cmd->add_option("--kind", args->kind, "Mask kind (above)")
      ->required()
      ->check(names_of<sampling::MaskKind>());
  cmd->add_option("--shape", args->shape,
                  "Spatial shape of the data, in samples: Z,Y,X (3d), Y,X (2d), T,Y,X (cine); "
                  "T = frames")
      ->required();
  cmd->add_option("--accel", args->options.accel(),
                  "Requested acceleration R (1 to 64); Poisson kinds reach it within 5%, line "
                  "kinds up to rounding to whole lines")
      ->capture_default_str();
  cmd->add_option("--calib", args->options.calib(),
                  "Calibration size in samples: side of the fully sampled square (Poisson kinds) "
                  "or number of central lines (line kinds); 0 = none")
      ->capture_default_str();
  cmd->add_option("--seed", args->options.seed(), "Random seed; the same seed gives the same mask")
      ->capture_default_str()
      ->check(non_negative_number());
  cmd->add_flag("--elliptical", args->options.elliptical(),
                "Poisson kinds: sample only inside the ellipse inscribed in the grid");
  cmd->add_option("--vd", args->options.vd(),
                  "Variable density: sample spacing grows as 1 + vd·ρ² with ρ the distance from "
                  "the k-space centre (1 at the edge); 0 = uniform")
      ->capture_default_str();
  cmd->add_option("out", args->out, "Output mask (BART .cfl/.hdr name)")->required();
  cmd->callback([args] { run_mask(*args); });
}

}  // namespace melrecon::app

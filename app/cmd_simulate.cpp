#include <iostream>

#include "app/choice_option.h"
#include "app/commands.h"
#include "app/finite_option.h"
#include "app/options.h"
#include "app/shape_option.h"
#include "io/bart_layout.h"
#include "sim/simulate.h"

namespace melrecon::app {
namespace {

struct SimulateArgs {
  std::string kind;
  std::string shape;
  // Kind and shape are set from the two strings above; the flags bind to the rest.
  sim::SimulateOptions options{io::DataKind::image2d, {}};
  std::string out;
  bool overwrite = false;
};

void run_simulate(SimulateArgs a) {
  a.options.kind(core::parse_choice<io::DataKind>(a.kind)).shape(parse_shape(a.shape));
  const io::DatasetInfo info = sim::simulate_dataset(a.options, a.out, a.overwrite);
  std::cout << "simulate " << a.kind << ": " << info.cases.size() << " cases, " << a.options.coils()
            << " coils, SNR " << a.options.snr() << " -> " << a.out << "\n";
}

}  // namespace

void add_simulate_command(CLI::App& app) {
  auto args = std::make_shared<SimulateArgs>();
  auto* cmd = app.add_subcommand(
      "simulate",
      "Simulate a dataset of fully sampled multi-coil k-space: per case a reference image x "
      "(a random phantom or a slice/volume of --source, magnitude <= 1, times a smooth random "
      "phase), coil maps S from Biot-Savart loop coils (sum |S_c|^2 = 1), k-space y = F(S x) + "
      "noise. Writes <out>/dataset.json and <out>/case_NNNN/{kspace,maps,reference} (BART "
      ".cfl/.hdr; layout in src/io/dataset.h, docs/data.md).");
  cmd->add_option("--kind", args->kind,
                  "2d (Shepp-Logan), 3d (3D Shepp-Logan) or cine (beating heart, 2D+time)")
      ->required()
      ->check(names_of<io::DataKind>());
  cmd->add_option("--shape", args->shape,
                  "Image shape in pixels: Y,X (2d), Z,Y,X (3d), T,Y,X (cine; T = frames, "
                  "typically 16-30, the phantom beats once over T frames)")
      ->required();
  cmd->add_option("--cases", args->options.cases(),
                  "Number of cases (each from its own seed stream)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--coils", args->options.coils(), "Receive coils (1 to 64), in rings of up to 8")
      ->capture_default_str();
  cmd->add_option("--snr", args->options.snr(),
                  "SNR = rms |x| over the object (|x| > 5% of max) / sigma, sigma^2 = E|n|^2 of "
                  "the complex noise per k-space sample and coil; equals the image-domain SNR of "
                  "the coil-combined image. 0 = no noise")
      ->capture_default_str();
  cmd->add_option("--seed", args->options.seed(),
                  "Random seed; the same seed gives the same dataset")
      ->capture_default_str()
      ->check(non_negative_number());
  cmd->add_option(
         "--out", args->out,
         "Output dataset folder (created; an existing non-empty one only with --overwrite)")
      ->required()
      ->check(non_empty_path());
  cmd->add_flag("--overwrite", args->overwrite,
                "Replace an existing non-empty dataset folder whole (it is swapped for the new one "
                "once that is complete)");
  cmd->add_option("--source", args->options.source(),
                  "Object from a file instead of the phantom: .png (2d), .nii/.nii.gz (2d slice "
                  "or 3d volume; 4D = cine) or BART .cfl; centre-cropped to the shape's aspect "
                  "and resampled");
  cmd->callback([args] { run_simulate(*args); });
}

}  // namespace melrecon::app

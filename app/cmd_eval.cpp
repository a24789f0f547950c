#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "app/choice_option.h"
#include "app/commands.h"
#include "app/finite_option.h"
#include "app/options.h"
#include "app/shape_option.h"
#include "core/device_choice.h"
#include "core/error.h"
#include "eval/evaluation.h"
#include "eval/trained_model.h"
#include "io/atomic_file.h"

namespace melrecon::app {
namespace {

struct EvalArgs {
  eval::EvalOptions options;
  std::string model, json, markdown, pattern, mask_source = "generate";
  std::vector<std::string> methods;
  std::optional<double> accel;
  std::optional<int64_t> calib;
  std::optional<std::vector<int64_t>> tile;
  std::optional<int64_t> coil_chunk;
};

// --methods: baselines by name, the trained model by its architecture's name (which must be
// the model's).
void select_methods(const std::vector<std::string>& names, const eval::TrainedModel* trained,
                    eval::EvalOptions& options) {
  if (names.empty()) return;  // every baseline and the model
  options.baselines().emplace();
  options.with_model(false);
  for (const std::string& name : names) {
    if (const auto arch = choices(train::Arch{}).find(name)) {
      if (trained == nullptr) {
        throw core::UsageError("eval: --methods " + name +
                               " needs --model (a run folder or checkpoint)");
      }
      const char* model_arch = core::choice_name(trained->config.model.arch);
      if (*arch != trained->config.model.arch) {
        throw core::UsageError("eval: --methods " + name + ", but the model is " + model_arch);
      }
      options.with_model(true);
    } else {
      options.baselines()->push_back(core::parse_choice<eval::Baseline>(name));
    }
  }
}

void run_eval(EvalArgs a) {
  check_png_output(a.options.png_dir(), "--png");
  const std::string& png_dir = a.options.png_dir();
  if (!png_dir.empty() && std::filesystem::exists(png_dir) &&
      !std::filesystem::is_directory(png_dir)) {
    throw core::UsageError("--png " + png_dir + ": is a file, not a folder");
  }
  check_output_folder(a.json, "--json");
  check_output_folder(a.markdown, "--markdown");
  check_outputs_apart({{"--json", a.json}, {"--markdown", a.markdown}}, {},
                      {a.options.data(), a.options.tune_data(), a.model});
  std::optional<eval::TrainedModel> trained;
  if (!a.model.empty()) {
    trained = eval::load_trained_model(a.model, core::device_choice(a.options.device(), "--device"),
                                       eval::ReconSettings{a.tile, a.coil_chunk});
    a.options.sampling(trained->config.sampling);  // test under the training's sampling
  }
  select_methods(a.methods, trained ? &*trained : nullptr, a.options);
  if (a.accel) a.options.sampling().accel = *a.accel;
  if (a.calib) a.options.sampling().calib = *a.calib;
  if (!a.pattern.empty())
    a.options.sampling().pattern = core::parse_choice<sampling::MaskKind>(a.pattern);
  a.options.sampling().source = core::parse_choice<train::MaskSource>(a.mask_source);
  const eval::EvalReport report = eval::evaluate(a.options, trained ? &*trained : nullptr);
  const auto examples = report.methods.empty() ? 0 : report.methods[0].psnr.size();
  if (a.options.sampling().source == train::MaskSource::stored) {
    std::cout << fmt::format("{} ({} examples) with the stored masks:\n", a.options.data(),
                             examples);
  } else {
    std::cout << fmt::format("{} ({} examples) at R = {}, {} masks (seed {}):\n", a.options.data(),
                             examples, a.options.sampling().accel,
                             core::choice_name(report.pattern), a.options.seed());
  }
  std::cout << report.table();
  std::cout << fmt::format(
      "baseline weights (lambda) chosen on the first example of {}\n",
      a.options.tune_data().empty() ? "the test data (favours them)" : a.options.tune_data());
  if (!a.json.empty()) {
    io::write_file_atomically(a.json,
                              [&](std::ostream& out) { out << report.to_json().dump(2) << "\n"; });
  }
  if (!a.markdown.empty()) {
    io::write_file_atomically(a.markdown, [&](std::ostream& out) { out << report.table(); });
  }
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto a = std::make_shared<EvalArgs>();
  auto* cmd = app.add_subcommand(
      "eval",
      "Score reconstructions of a held-out dataset against its references: PSNR, SSIM (Wang "
      "2004, window 11, sigma 1.5) and NRMSE on magnitudes normalised by the reference maximum; "
      "mean ± std over the examples for the model and the baselines (zero-filled, CG-SENSE, "
      "compressed sensing with bart pics when bart is installed: cs-wavelet, and cs-temporal-tv "
      "for cine (cs-temporal-tv-wavelet, adding spatial wavelets, when named); their lambda chosen "
      "on the first example of --tune-data, else of the test "
      "data)");
  cmd->add_option("--data", a->options.data(),
                  "Test data: dataset folder, fastMRI .h5 file or folder of them")
      ->required();
  auto* model =
      cmd->add_option("--model", a->model, "Run folder or checkpoint (omit: baselines only)");
  add_tile_option(*cmd, a->tile)->needs(model);
  cmd->add_option("--coil-chunk", a->coil_chunk, kModelCoilChunkHelp)
      ->check(positive_number())
      ->needs(model);
  cmd->add_option("--tune-data", a->options.tune_data(),
                  "Validation data whose first example chooses the baselines' lambda (default: "
                  "the first test example, which favours the baselines)");
  cmd->add_option("--methods", a->methods,
                  "Subset of the baselines and the model (by its architecture's name), comma "
                  "separated (default: all available but cs-temporal-tv-wavelet)")
      ->delimiter(',')
      ->check(names_of<eval::Baseline>(core::choice_names<train::Arch>()));
  cmd->add_option("--accel", a->accel, "Acceleration R (default: the model's training value)")
      ->check(CLI::Range(1.0, 1000.0))
      ->check(finite_number());
  cmd->add_option("--calib", a->calib, "Calibration lines / region side")
      ->check(CLI::Range(0, 4096));
  cmd->add_option("--pattern", a->pattern, "Mask kind (see `melrecon mask --help`)")
      ->check(names_of<sampling::MaskKind>());
  cmd->add_option("--seed", a->options.seed(), "Seed of the test masks")
      ->capture_default_str()
      ->check(non_negative_number());
  cmd->add_option("--max-examples", a->options.max_examples(),
                  "Evaluate at most this many (0: all)")
      ->check(non_negative_number());
  cmd->add_option("--cg-iters", a->options.cg_iters(), "CG-SENSE iterations")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  cmd->add_option("--cs-iters", a->options.cs_iters(), "bart pics iterations of the cs-* baselines")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--mask-source", a->mask_source,
                  "generate: masks of --pattern/--accel/--calib seeded per example; stored: each "
                  "case's own mask file, so every method sees the same undersampling")
      ->capture_default_str()
      ->check(names_of<train::MaskSource>());
  cmd->add_option("--png", a->options.png_dir(),
                  "Folder for comparison images: reference | methods | 5x error of the last")
      ->check(non_empty_path());
  cmd->add_option("--json", a->json, "Write per-example scores as JSON")->check(non_empty_path());
  cmd->add_option("--markdown", a->markdown, "Write the table as Markdown")
      ->check(non_empty_path());
  cmd->add_option("--device", a->options.device(), "cpu or cuda[:N]")->capture_default_str();
  cmd->callback([a] { run_eval(*a); });
}

}  // namespace melrecon::app

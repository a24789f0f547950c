#include "app/options.h"

#include <filesystem>
#include <iterator>
#include <set>

#include "app/choice_option.h"
#include "app/finite_option.h"
#include "core/error.h"
#include "io/cfl.h"
#include "io/dataset.h"
#include "io/path_relation.h"
#include "io/png.h"
#include "train/run_folder.h"

namespace melrecon::app {

namespace {

// Whether writing `file` would replace `input` or what an input folder is made of: a dataset's
// index and case folders, a run's checkpoint, configuration and log, data files beside them.
// A report written at an input folder's top level (results.json in a run) is not.
bool overwrites(const std::string& file, const std::string& input) {
  const std::filesystem::path rel = io::path_within(file, input);
  if (rel == ".") return true;  // the input itself
  if (!io::is_inside(rel) || !std::filesystem::is_directory(input)) return false;
  if (std::distance(rel.begin(), rel.end()) > 1) return true;  // inside a case folder
  static const std::set<std::string> names = [] {
    std::set<std::string> made_of{io::kDatasetIndex};
    made_of.insert(train::RunFolder::kFiles.begin(), train::RunFolder::kFiles.end());
    return made_of;
  }();
  static const std::set<std::string> extensions{".cfl", ".hdr", ".h5", ".pt"};
  return names.count(rel.string()) > 0 || extensions.count(rel.extension().string()) > 0;
}

}  // namespace

void check_output_apart(const std::string& out, const std::vector<std::string>& inputs) {
  const std::filesystem::path file = io::resolved_path(io::cfl_base_name(out) + ".cfl");
  for (const std::string& in : inputs) {
    if (!in.empty() && file == io::resolved_path(io::cfl_base_name(in) + ".cfl")) {
      throw core::UsageError(out + ": is also an input; write the output to another name");
    }
  }
}

void check_outputs_apart(const std::vector<FileOutput>& outputs,
                         const std::vector<std::string>& bart_inputs,
                         const std::vector<std::string>& inputs) {
  std::vector<std::string> files = inputs;
  for (const std::string& in : bart_inputs) {
    if (in.empty()) continue;
    files.push_back(io::cfl_base_name(in) + ".cfl");
    files.push_back(io::cfl_base_name(in) + ".hdr");
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    const FileOutput& o = outputs[i];
    if (o.path.empty()) continue;
    const std::filesystem::path file = io::resolved_path(o.path);
    for (const std::string& in : files) {
      if (!in.empty() && overwrites(o.path, in)) {
        throw core::UsageError(o.option + " " + o.path + ": would overwrite the input " + in +
                               "; write it to another name");
      }
    }
    for (size_t j = 0; j < i; ++j) {
      if (!outputs[j].path.empty() && file == io::resolved_path(outputs[j].path)) {
        throw core::UsageError(o.option + " " + o.path + ": is also the file of " +
                               outputs[j].option + "; give each output its own name");
      }
    }
  }
}

void check_output_folder(const std::string& path, const std::string& option) {
  namespace fs = std::filesystem;
  if (path.empty()) return;
  if (fs::is_directory(path)) throw core::UsageError(option + " " + path + ": is a folder");
  const fs::path folder = fs::absolute(path).parent_path();
  if (!fs::is_directory(folder)) {
    throw core::UsageError(option + " " + path + ": its folder " + folder.string() +
                           " does not exist (or is not a folder)");
  }
}

void check_png_output(const std::string& path, const std::string& option) {
  if (path.empty() || io::png_supported()) return;
  throw core::UsageError(option + " " + path +
                         ": this melrecon was built without libpng; install libpng-dev and "
                         "rebuild for PNG output");
}

io::CaseFiles CaseArgs::files() const {
  io::CaseFiles f{kspace, maps, mask, std::nullopt};
  if (kind != "auto") f.kind = core::parse_choice<io::DataKind>(kind);
  return f;
}

mri::SenseOptions CaseArgs::sense_options(io::DataKind data_kind) const {
  // A cine series is Fourier-encoded per frame: by default the FFT runs over (Y, X), not time.
  return mri::SenseOptions()
      .fft_axes(fft_axes.empty() ? io::default_fft_axes(data_kind) : fft_axes)
      .coil_chunk(coil_chunk);
}

void add_case_options(CLI::App& cmd, CaseArgs& args) {
  cmd.add_option("kspace", args.kspace,
                 "Multi-coil k-space (BART dims READ, PHS1, PHS2|TIME, COIL)")
      ->required();
  cmd.add_option("maps", args.maps, "Coil sensitivity maps, same dims as the k-space")->required();
  cmd.add_option("--mask", args.mask,
                 "Sampling mask broadcastable to the k-space (default: where k-space is non-zero)");
  cmd.add_option("--kind", args.kind, "Data kind: auto (from the header), 2d, 3d or cine")
      ->capture_default_str()
      ->check(names_of<io::DataKind>({"auto"}));
  cmd.add_option("--fft-axes", args.fft_axes,
                 "Spatial axes (0 = first of Z|T,Y,X) the FFT runs over; default all (2D, 3D) "
                 "or the last two (cine). For 3D data whose readout is already inverse-"
                 "transformed, give the two phase-encode axes, e.g. 0,1")
      ->delimiter(',');
  cmd.add_option("--coil-chunk", args.coil_chunk,
                 "Coils processed at once by the normal operator (0: all); lowers memory")
      ->capture_default_str()
      ->check(non_negative_number());
}

}  // namespace melrecon::app

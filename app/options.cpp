#include "app/options.h"

#include <filesystem>

#include "app/choice_option.h"
#include "core/error.h"
#include "io/cfl.h"
#include "io/dataset.h"
#include "io/png.h"

namespace melrecon::app {

void check_output_apart(const std::string& out, const std::vector<std::string>& inputs) {
  namespace fs = std::filesystem;
  const auto file = [](const std::string& name) {
    std::error_code ignored;
    return fs::weakly_canonical(io::cfl_base_name(name) + ".cfl", ignored);
  };
  for (const std::string& in : inputs) {
    if (!in.empty() && file(in) == file(out)) {
      throw core::UsageError(out + ": is also an input; write the output to another name");
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
      ->check(CLI::NonNegativeNumber);
}

}  // namespace melrecon::app

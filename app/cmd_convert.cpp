#include <filesystem>
#include <iostream>

#include "app/choice_option.h"
#include "app/commands.h"
#include "core/error.h"
#include "io/folder_listing.h"
#include "io/raw_convert.h"

namespace melrecon::app {
namespace {

struct ConvertArgs {
  std::vector<std::string> paths;  // inputs..., then the dataset folder
  std::string format = "auto";
  bool overwrite = false;
};

void run_convert(const ConvertArgs& a) {
  if (a.paths.size() < 2) {
    throw core::UsageError("convert: give at least one input file and the dataset folder");
  }
  // A folder stands for its .h5 files (name order), as in `melrecon train`.
  std::vector<std::string> inputs;
  for (auto it = a.paths.begin(); it != a.paths.end() - 1; ++it) {
    if (!std::filesystem::is_directory(*it)) {
      inputs.push_back(*it);
      continue;
    }
    const std::vector<std::string> files = io::files_in(*it, ".h5");
    MELRECON_CHECK(!files.empty(), "{}: a folder without .h5 files, nothing to convert", *it);
    inputs.insert(inputs.end(), files.begin(), files.end());
  }
  const std::string& dir = a.paths.back();
  const io::DatasetInfo info =
      io::convert_raw_files(inputs, dir, core::parse_choice<io::RawFormat>(a.format), a.overwrite);
  std::cout << "convert: " << info.cases.size() << " " << core::choice_name(info.kind)
            << " case(s) -> " << dir << "\n";
}

}  // namespace

void add_convert_command(CLI::App& app) {
  auto args = std::make_shared<ConvertArgs>();
  auto* cmd = app.add_subcommand(
      "convert",
      "Convert raw multi-coil k-space files (fastMRI or ISMRMRD HDF5) into a melrecon "
      "dataset folder, one case per input file");
  cmd->add_option(
         "paths", args->paths,
         "<input>... <dataset-dir>: the raw files (or folders of .h5 files), then the dataset "
         "folder to write")
      ->required()
      ->expected(2, -1);
  cmd->add_option("--format", args->format,
                  "Input format: auto (fastMRI if the file has 'kspace', ISMRMRD if it has a "
                  "'dataset' group), fastmri or ismrmrd")
      ->capture_default_str()
      ->check(names_of<io::RawFormat>());
  cmd->add_flag("--overwrite", args->overwrite,
                "Replace an existing non-empty dataset folder whole (it is swapped for the new one "
                "once that is complete); without it such a folder is refused");
  cmd->callback([args] { run_convert(*args); });
}

}  // namespace melrecon::app

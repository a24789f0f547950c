// Command-line options shared by the commands that read one case (k-space, maps, mask).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "io/case_files.h"
#include "mri/sense_op.h"

namespace melrecon::app {

struct CaseArgs {
  std::string kspace;
  std::string maps;
  std::string mask;
  std::string kind = "auto";
  std::vector<int64_t> fft_axes;
  int64_t coil_chunk = 0;

  io::CaseFiles files() const;
  mri::SenseOptions sense_options(io::DataKind kind) const;
};

// Adds positional <kspace> <maps> and --mask, --kind, --fft-axes, --coil-chunk.
void add_case_options(CLI::App& cmd, CaseArgs& args);

// A usage error when the BART output `out` is one of the BART inputs (x, x.cfl and ./x are one
// file): the command would overwrite its own input.
void check_output_apart(const std::string& out, const std::vector<std::string>& inputs);

// A file a command writes besides its main output, named by its option.
struct FileOutput {
  std::string option;
  std::string path;  // empty: not asked for
};

// A usage error, before any work, when a file output would overwrite an input or another
// output: a BART input's .cfl or .hdr, an input file (a checkpoint), or what an input folder is
// made of (a dataset's index and case folders, a run's checkpoint, configuration and log).
// Paths are compared resolved (./x, symlinks).
void check_outputs_apart(const std::vector<FileOutput>& outputs,
                         const std::vector<std::string>& bart_inputs,
                         const std::vector<std::string>& inputs);

// A usage error, before any work, when `path` (an output of `option`) cannot be written because
// it is a folder, or its folder does not exist or is a file: the command would otherwise fail after
// writing its other outputs. Empty paths pass (the output was not asked for).
void check_output_folder(const std::string& path, const std::string& option);

// Refuses an empty path for an optional output: "--png ''" would otherwise silently write nothing.
inline CLI::Validator non_empty_path() {
  return CLI::Validator(
      [](std::string& text) -> std::string { return text.empty() ? "an empty path" : ""; }, "PATH");
}

// A usage error, before any work, when a PNG output is asked of a build without libpng (empty
// paths pass): the command would otherwise fail, or skip the pictures, after all its work.
void check_png_output(const std::string& path, const std::string& option);

}  // namespace melrecon::app

#include <torch/version.h>

#include <iostream>

#include "app/commands.h"
#include "core/config.h"

namespace melrecon::app {

void add_version_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "Print the version and what this build supports");
  cmd->callback([] {
    std::cout << "melrecon " << MELRECON_VERSION << " (LibTorch " << TORCH_VERSION << ")\n"
              << "  HDF5 (fastMRI): " << (MELRECON_HAVE_HDF5 ? "yes" : "no") << "\n"
              << "  ISMRMRD: " << (MELRECON_HAVE_ISMRMRD ? "yes" : "no") << "\n"
              << "  PNG previews: " << (MELRECON_HAVE_PNG ? "yes" : "no") << "\n"
              << "  CUDA: " << (MELRECON_HAVE_CUDA ? "yes" : "no") << "\n";
  });
}

}  // namespace melrecon::app

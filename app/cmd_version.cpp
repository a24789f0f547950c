#include <torch/cuda.h>
#include <torch/version.h>

#include <iostream>

#include "app/commands.h"
#include "core/config.h"

namespace melrecon::app {

namespace {

// Whether the CUDA path is built, and what this machine offers it.
std::string cuda_status() {
  if (!MELRECON_HAVE_CUDA) return "not compiled (LibTorch without CUDA)";
  const size_t gpus = torch::cuda::device_count();
  return gpus == 0 ? "compiled; no GPU visible"
                   : "compiled; " + std::to_string(gpus) + " GPU(s) visible";
}

}  // namespace

void add_version_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "Print the version and what this build supports");
  cmd->callback([] {
    std::cout << "melrecon " << MELRECON_VERSION << " (LibTorch " << TORCH_VERSION << ")\n"
              << "  HDF5 (fastMRI): " << (MELRECON_HAVE_HDF5 ? "yes" : "no") << "\n"
              << "  ISMRMRD: " << (MELRECON_HAVE_ISMRMRD ? "yes" : "no") << "\n"
              << "  PNG previews: " << (MELRECON_HAVE_PNG ? "yes" : "no") << "\n"
              << "  CUDA: " << cuda_status() << "\n"
              << "  data-parallel training: "
              << (MELRECON_HAVE_GLOO ? "CPU (Gloo)" : "CPU left out (no Gloo headers)")
              << (MELRECON_HAVE_CUDA ? ", GPUs (NCCL)" : "") << "\n";
  });
}

}  // namespace melrecon::app

#include "core/device_choice.h"

#include <torch/cuda.h>

#include "core/error.h"

namespace melrecon::core {

c10::Device device_choice(const std::string& name, const std::string& where) {
  c10::optional<c10::Device> device;
  try {
    device = c10::Device(name);
  } catch (const std::exception&) {
  }
  if (!device || !(device->is_cpu() || device->is_cuda())) {
    throw UsageError(fmt::format("{} '{}': expected cpu, cuda or cuda:N", where, name));
  }
  if (device->is_cuda()) {
    const auto gpus = static_cast<int64_t>(torch::cuda::device_count());
    MELRECON_CHECK(gpus > 0,
                   "{} '{}': no GPU is visible to this process (melrecon version says "
                   "whether CUDA is compiled in)",
                   where, name);
    MELRECON_CHECK(!device->has_index() || device->index() < gpus,
                   "{} '{}': this machine shows {} GPU(s), cuda:0 to cuda:{}", where, name, gpus,
                   gpus - 1);
  }
  return *device;
}

}  // namespace melrecon::core

#include "core/device_sync.h"

#include <torch/cuda.h>

namespace melrecon::core {

void synchronize(c10::Device device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.has_index() ? device.index() : -1);
}

}  // namespace melrecon::core

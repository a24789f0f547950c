// Waits for the work queued on a device, so that a wall-clock measurement covers it.
#pragma once

#include <c10/core/Device.h>

namespace melrecon::core {

void synchronize(c10::Device device);  // no-op on the CPU

}  // namespace melrecon::core

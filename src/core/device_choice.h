// A device named by the user (--device, run.device): "cpu", "cuda" or "cuda:N", checked against
// what this build and machine have, so that a typo or a missing GPU is one line naming the
// setting instead of LibTorch's message from deep inside a run.
#pragma once

#include <c10/core/Device.h>

#include <string>

namespace melrecon::core {

// `where` names the setting in the message (e.g. "--device", "run.device").
c10::Device device_choice(const std::string& name, const std::string& where);

}  // namespace melrecon::core

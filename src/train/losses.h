// Training losses between the network output x and the reference, both [1, *S] complex:
//   l1    mean |x − ref|
//   l2    mean |x − ref|²
//   ssim  1 − SSIM(|x|, |ref|) (2D per slice/frame, magnitudes normalised by the reference max)
#pragma once

#include <string>

#include "mel/gradient_strategy.h"

namespace melrecon::train {

mel::LossFn make_loss(const std::string& name, const at::Tensor& reference);

}  // namespace melrecon::train

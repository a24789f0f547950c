// Training losses between the network output x and the reference, both [B, *S] complex, as
// means over the B examples:
//   l1    mean |x − ref|
//   l2    mean |x − ref|²
//   ssim  1 − SSIM(|x|, |ref|) (2D per slice/frame, magnitudes normalised by the reference max)
#pragma once

#include "mel/gradient_strategy.h"
#include "train/config_choices.h"

namespace melrecon::train {

mel::LossFn make_loss(LossKind kind, const at::Tensor& reference);

}  // namespace melrecon::train

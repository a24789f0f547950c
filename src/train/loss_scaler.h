// Dynamic loss scaling for float16 training (the scheme of torch.cuda.amp.GradScaler).
//
// float16 has 5 exponent bits: gradients below ~6e-8 flush to zero in the CNN's backward. The
// loss is multiplied by a scale S before the backward, so every gradient is S times larger, and
// the parameter gradients are divided by S before clipping and the optimiser step. A step whose
// gradients overflowed (not finite) is skipped and S halved; after `growth_interval` finite
// steps in a row S is doubled, so it settles near the largest value that does not overflow.
// bfloat16 has float32's exponent range and needs no scaling. Disabled, the scale is 1 and
// nothing is changed.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "mel/gradient_strategy.h"

namespace melrecon::train {

struct LossScalerState {
  double scale = 65536.0;    // 2^16, GradScaler's initial scale
  int64_t finite_steps = 0;  // finite steps since the scale last changed
};

class LossScaler {
 public:
  explicit LossScaler(bool enabled, LossScalerState state = {}, int64_t growth_interval = 2000);

  bool enabled() const { return enabled_; }
  double scale() const { return enabled_ ? state_.scale : 1.0; }
  const LossScalerState& state() const { return state_; }

  // The loss times the current scale (the loss itself when disabled).
  mel::LossFn scaled(mel::LossFn loss) const;
  // Divides the gradients of `params` by the scale; returns whether all of them are finite.
  bool unscale(const std::vector<at::Tensor>& params) const;
  // After a step: halves the scale when the gradients were not finite (the step is skipped),
  // doubles it after `growth_interval` finite steps in a row.
  void update(bool finite);

 private:
  bool enabled_;
  LossScalerState state_;
  int64_t growth_interval_;
};

}  // namespace melrecon::train

#include "train/loss_scaler.h"

#include <ATen/ATen.h>

#include "core/error.h"

namespace melrecon::train {

LossScaler::LossScaler(bool enabled, LossScalerState state, int64_t growth_interval)
    : enabled_(enabled), state_(state), growth_interval_(growth_interval) {
  MELRECON_CHECK(state_.scale > 0 && growth_interval_ >= 1,
                 "loss scaler: the scale must be > 0 and the growth interval >= 1");
}

mel::LossFn LossScaler::scaled(mel::LossFn loss) const {
  if (!enabled_) return loss;
  return [loss = std::move(loss), s = state_.scale](const at::Tensor& x) { return loss(x) * s; };
}

bool LossScaler::unscale(const std::vector<at::Tensor>& params) const {
  if (!enabled_) return true;
  bool finite = true;
  for (const at::Tensor& p : params) {
    at::Tensor g = p.grad();
    if (!g.defined()) continue;
    g.div_(state_.scale);
    finite = finite && at::isfinite(g).all().item<bool>();
  }
  return finite;
}

void LossScaler::update(bool finite) {
  if (!enabled_) return;
  if (!finite) {
    state_.scale /= 2;
    state_.finite_steps = 0;
    return;
  }
  if (++state_.finite_steps >= growth_interval_) {
    state_.scale *= 2;
    state_.finite_steps = 0;
  }
}

}  // namespace melrecon::train

// Dynamic loss scaling: scaled losses, unscaled gradients, skipped steps on overflow with the
// scale halved, doubling after a run of finite steps; disabled, it changes nothing.
#include "train/loss_scaler.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <limits>

namespace melrecon::train {
namespace {

at::Tensor parameter_with_grad(std::vector<float> grad) {
  at::Tensor p = at::zeros({static_cast<int64_t>(grad.size())}).requires_grad_(true);
  p.mutable_grad() = at::tensor(grad);
  return p;
}

TEST(LossScaler, ScalesTheLossAndUnscalesTheGradients) {
  const LossScaler scaler(true, {1024.0, 0});
  const mel::LossFn loss = [](const at::Tensor& x) { return x.sum(); };
  EXPECT_DOUBLE_EQ(scaler.scaled(loss)(at::ones({3})).item<double>(), 3 * 1024.0);
  const at::Tensor p = parameter_with_grad({2048.0f, -512.0f});
  EXPECT_TRUE(scaler.unscale({p}));
  EXPECT_TRUE(at::equal(p.grad(), at::tensor({2.0f, -0.5f})));
}

TEST(LossScaler, OverflowHalvesAndAFiniteRunDoubles) {
  LossScaler scaler(true, {1024.0, 0}, /*growth_interval=*/3);
  const at::Tensor p = parameter_with_grad({1.0f, std::numeric_limits<float>::infinity()});
  EXPECT_FALSE(scaler.unscale({p}));
  scaler.update(false);
  EXPECT_DOUBLE_EQ(scaler.scale(), 512.0);
  scaler.update(true);
  scaler.update(true);
  EXPECT_DOUBLE_EQ(scaler.scale(), 512.0);
  scaler.update(true);  // third finite step in a row
  EXPECT_DOUBLE_EQ(scaler.scale(), 1024.0);
  EXPECT_EQ(scaler.state().finite_steps, 0);
  scaler.update(true);
  scaler.update(false);  // an overflow restarts the count
  scaler.update(true);
  scaler.update(true);
  EXPECT_DOUBLE_EQ(scaler.scale(), 512.0);
}

TEST(LossScaler, DisabledChangesNothing) {
  LossScaler scaler(false);
  EXPECT_DOUBLE_EQ(scaler.scale(), 1.0);
  const at::Tensor p = parameter_with_grad({std::numeric_limits<float>::quiet_NaN()});
  EXPECT_TRUE(scaler.unscale({p}));  // not checked: the trainer's own check stops the run
  scaler.update(false);
  EXPECT_DOUBLE_EQ(scaler.scale(), 1.0);
  const mel::LossFn loss = [](const at::Tensor& x) { return x.sum(); };
  EXPECT_DOUBLE_EQ(scaler.scaled(loss)(at::ones({2})).item<double>(), 2.0);
}

}  // namespace
}  // namespace melrecon::train

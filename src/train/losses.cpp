#include "train/losses.h"

#include <ATen/ATen.h>

#include "core/error.h"
#include "metrics/image_metrics.h"

namespace melrecon::train {

mel::LossFn make_loss(const std::string& name, const at::Tensor& reference) {
  if (name == "l1") {
    return [reference](const at::Tensor& x) { return (x - reference).abs().mean(); };
  }
  if (name == "l2") {
    return [reference](const at::Tensor& x) { return (x - reference).abs().pow(2).mean(); };
  }
  if (name == "ssim") {
    return [reference](const at::Tensor& x) {
      return 1 - metrics::ssim(x.select(0, 0), reference.select(0, 0));
    };
  }
  throw core::UsageError("unknown loss '" + name + "' (expected l1, l2 or ssim)");
}

}  // namespace melrecon::train

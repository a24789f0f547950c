#include "train/losses.h"

#include <ATen/ATen.h>

#include "core/error.h"
#include "metrics/image_metrics.h"

namespace melrecon::train {

mel::LossFn make_loss(LossKind kind, const at::Tensor& reference) {
  switch (kind) {
    case LossKind::l1:
      return [reference](const at::Tensor& x) { return (x - reference).abs().mean(); };
    case LossKind::l2:
      return [reference](const at::Tensor& x) { return (x - reference).abs().pow(2).mean(); };
    case LossKind::ssim:
      return [reference](const at::Tensor& x) {  // mean over the batch's examples
        at::Tensor total = metrics::ssim(x.select(0, 0), reference.select(0, 0));
        for (int64_t b = 1; b < x.size(0); ++b) {
          total = total + metrics::ssim(x.select(0, b), reference.select(0, b));
        }
        return 1 - total / static_cast<double>(x.size(0));
      };
  }
  core::fail_internal(__FILE__, __LINE__, "loss {} has no implementation", static_cast<int>(kind));
}

}  // namespace melrecon::train

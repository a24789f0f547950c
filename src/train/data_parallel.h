// What data-parallel training adds to training, in one place. The processes of a group start
// from rank 0's weights, each averages its gradients with the others' over fixed-layout buckets
// before the update (so every process takes the same step), and the logged loss is the mean over
// every process's examples. Without a group (one process) each of these is the identity.
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <vector>

#include "dist/flat_buckets.h"
#include "train/optimiser_step.h"

namespace melrecon::train {

// Where this process trains: its group's device (cuda:LOCAL_RANK on GPUs), else `configured`
// (run.device). `group` may be null.
c10::Device process_device(const dist::Group* group, const std::string& configured);
// run.threads when set; else, with several processes on this machine, its cores shared out.
void use_threads(const dist::Group* group, int64_t configured);

class DataParallel {
 public:
  // `group` (not owned) may be null; `parameters`: the model's, in their fixed order.
  DataParallel(dist::Group* group, std::vector<at::Tensor> parameters);

  int64_t ranks() const;
  int64_t rank() const;

  // Every process takes rank 0's weights.
  void share_initial_weights();
  // The hook optimiser_step calls on the gradients (none without a group).
  GradientSync gradient_sync() const;
  // The mean of `loss` over the processes (not finite when any is not).
  double mean_loss(double loss, c10::Device device) const;

 private:
  dist::Group* group_;
  std::vector<at::Tensor> parameters_;
  dist::FlatBuckets buckets_;
};

}  // namespace melrecon::train

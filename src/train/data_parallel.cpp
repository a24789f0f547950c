#include "train/data_parallel.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <thread>

#include "core/device_choice.h"
#include "dist/group.h"

namespace melrecon::train {

DataParallel::DataParallel(dist::Group* group, std::vector<at::Tensor> parameters)
    : group_(group), parameters_(std::move(parameters)), buckets_(parameters_) {}

int64_t DataParallel::ranks() const { return group_ ? group_->size() : 1; }
int64_t DataParallel::rank() const { return group_ ? group_->rank() : 0; }

c10::Device process_device(const dist::Group* group, const std::string& configured) {
  return group ? group->device() : core::device_choice(configured, "run.device");
}

void use_threads(const dist::Group* group, int64_t configured) {
  if (configured > 0) {
    at::set_num_threads(static_cast<int>(configured));
  } else if (group && group->env().local_world_size > 1) {
    const int64_t cores = std::thread::hardware_concurrency();
    at::set_num_threads(
        static_cast<int>(std::max<int64_t>(1, cores / group->env().local_world_size)));
  }
}

void DataParallel::share_initial_weights() {
  if (!group_) return;
  torch::NoGradGuard no_grad;
  buckets_.broadcast(*group_, parameters_);
}

GradientSync DataParallel::gradient_sync() const {
  if (!group_) return GradientSync();
  return [this](std::vector<at::Tensor>& gradients) { buckets_.average(*group_, gradients); };
}

double DataParallel::mean_loss(double loss, c10::Device device) const {
  if (!group_) return loss;
  at::Tensor sum = at::full({1}, loss, at::TensorOptions(at::kDouble).device(device));
  group_->allreduce_sum(sum);
  return sum.item<double>() / static_cast<double>(ranks());
}

}  // namespace melrecon::train

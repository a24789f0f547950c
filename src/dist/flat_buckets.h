// Data-parallel averaging of a fixed list of tensors (the gradients, or the weights at the start)
// in a fixed bucket layout: consecutive tensors of one dtype and device are flattened into
// buckets of about `bucket_bytes`, each reduced by one collective and copied back. The layout
// depends only on the tensors' order, shapes and types, so every rank and every step reduce the
// same buckets in the same order and results repeat.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "dist/group.h"

namespace melrecon::dist {

class FlatBuckets {
 public:
  explicit FlatBuckets(const std::vector<at::Tensor>& tensors, int64_t bucket_bytes = 25 << 20);

  int64_t num_buckets() const { return static_cast<int64_t>(buckets_.size()); }
  // Each tensor becomes the mean over ranks of its values; `tensors` are those the layout was
  // made for (same order, shapes and types), all defined.
  void average(Group& group, std::vector<at::Tensor>& tensors) const;
  // Each tensor becomes rank 0's.
  void broadcast(Group& group, std::vector<at::Tensor>& tensors) const;

 private:
  template <typename Collective>
  void each_bucket(std::vector<at::Tensor>& tensors, const Collective& collective) const;
  std::vector<std::vector<int64_t>> buckets_;  // indices into the tensor list
};

}  // namespace melrecon::dist

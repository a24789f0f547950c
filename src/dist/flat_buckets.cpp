#include "dist/flat_buckets.h"

#include <ATen/ATen.h>

#include "core/error.h"

namespace melrecon::dist {

FlatBuckets::FlatBuckets(const std::vector<at::Tensor>& tensors, int64_t bucket_bytes) {
  int64_t filled = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const at::Tensor& t = tensors[i];
    const bool same_kind = !buckets_.empty() && !buckets_.back().empty() &&
                           tensors[buckets_.back().front()].scalar_type() == t.scalar_type() &&
                           tensors[buckets_.back().front()].device() == t.device();
    if (!same_kind || filled >= bucket_bytes) {
      buckets_.emplace_back();
      filled = 0;
    }
    buckets_.back().push_back(static_cast<int64_t>(i));
    filled += t.numel() * static_cast<int64_t>(t.element_size());
  }
}

template <typename Collective>
void FlatBuckets::each_bucket(std::vector<at::Tensor>& tensors,
                              const Collective& collective) const {
  for (const auto& bucket : buckets_) {
    std::vector<at::Tensor> parts;
    parts.reserve(bucket.size());
    for (int64_t i : bucket) parts.push_back(tensors[i].reshape(-1));
    at::Tensor flat = at::cat(parts);
    collective(flat);
    int64_t offset = 0;
    for (int64_t i : bucket) {
      const int64_t n = tensors[i].numel();
      tensors[i].copy_(flat.narrow(0, offset, n).view_as(tensors[i]));
      offset += n;
    }
  }
}

void FlatBuckets::average(Group& group, std::vector<at::Tensor>& tensors) const {
  each_bucket(tensors, [&](at::Tensor& flat) {
    group.allreduce_sum(flat);
    flat.div_(static_cast<double>(group.size()));
  });
}

void FlatBuckets::broadcast(Group& group, std::vector<at::Tensor>& tensors) const {
  each_bucket(tensors, [&](at::Tensor& flat) { group.broadcast(flat); });
}

}  // namespace melrecon::dist

#include "data/case_cache.h"

namespace melrecon::data {
namespace {

int64_t bytes_of(const io::CaseData& c) {
  int64_t n = 0;
  for (const at::Tensor* t : {&c.kspace, &c.maps, &c.reference, &c.mask}) {
    if (t->defined()) n += t->numel() * t->element_size();
  }
  return n;
}

}  // namespace

const io::CaseData& CaseCache::get(const Key& key, const std::function<io::CaseData()>& read) {
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    recent_.remove(key);
    recent_.push_back(key);
    return it->second;
  }
  io::CaseData data = read();
  int64_t used = bytes_of(data);
  for (const auto& [k, held] : entries_) used += bytes_of(held);
  while (!recent_.empty() && used > budget_bytes_) {
    used -= bytes_of(entries_.at(recent_.front()));
    entries_.erase(recent_.front());
    recent_.pop_front();
  }
  recent_.push_back(key);
  return entries_[key] = std::move(data);
}

}  // namespace melrecon::data

// Data read for examples, kept in memory up to a byte budget: the least recently used entries
// are dropped first (the newest entry stays even when it alone exceeds the budget).
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <utility>

#include "io/dataset.h"

namespace melrecon::data {

class CaseCache {
 public:
  // What an entry holds: a whole case (first batch entry 0), or one batch entry of it.
  using Key = std::pair<int64_t, int64_t>;  // case index, first batch entry

  explicit CaseCache(int64_t budget_bytes) : budget_bytes_(budget_bytes) {}

  // The entry under `key`, from `read` when it is not held. The reference stays valid until the
  // next call.
  const io::CaseData& get(const Key& key, const std::function<io::CaseData()>& read);

 private:
  int64_t budget_bytes_;
  std::map<Key, io::CaseData> entries_;
  std::list<Key> recent_;  // least recently used first
};

}  // namespace melrecon::data

// Examples of a melrecon dataset folder (src/io/dataset.h): one per batch entry of each case.
// A case is read whole and cached; maps it lacks are estimated once and kept in a MapCache
// (data/map_cache.h), so later runs read them; the dataset itself is never written.
#pragma once

#include <string>

#include "data/case_cache.h"
#include "data/example_backend.h"
#include "data/map_cache.h"

namespace melrecon::data {

class DatasetExamples : public ExampleBackend {
 public:
  DatasetExamples(const std::string& dir, int64_t cache_bytes);
  LoadedExample load(const ExampleRef& ref) override;

 private:
  std::string dir_;
  CaseCache cache_;
  MapCache maps_;
};

}  // namespace melrecon::data

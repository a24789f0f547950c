// Examples of a melrecon dataset folder (src/io/dataset.h): one per batch entry of each case.
// A case is read whole and cached; maps it lacks are estimated once and written into its
// folder (`maps`), so later runs read them.
#pragma once

#include <string>

#include "train/case_cache.h"
#include "train/example_backend.h"

namespace melrecon::train {

class DatasetExamples : public ExampleBackend {
 public:
  DatasetExamples(const std::string& dir, int64_t cache_bytes);
  LoadedExample load(const ExampleRef& ref) override;

 private:
  std::string dir_;
  CaseCache cache_;
};

}  // namespace melrecon::train

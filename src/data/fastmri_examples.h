// Examples of fastMRI multicoil HDF5 files (src/io/fastmri_h5.h): each file is a case (named
// by its stem), each slice a 2D example, read alone (one HDF5 hyperslab) and cached in memory.
// k-space arrives in melrecon's orientation (phase encoding Y, readout X, oversampling kept).
// Coil maps are estimated per slice with ESPIRiT and kept in a MapCache (data/map_cache.h);
// the reference is the coil combination of the fully sampled slice.
#pragma once

#include <string>
#include <vector>

#include "data/case_cache.h"
#include "data/example_backend.h"
#include "data/map_cache.h"

namespace melrecon::data {

class FastmriExamples : public ExampleBackend {
 public:
  // `files`: one or more .h5 files of one folder. Each is opened here, so a file that is not a
  // readable fastMRI multicoil file is reported (one line naming it) before anything runs.
  FastmriExamples(const std::vector<std::string>& files, int64_t cache_bytes);
  LoadedExample load(const ExampleRef& ref) override;

 private:
  io::CaseData read_slice(const ExampleRef& ref) const;

  std::vector<std::string> files_;
  MapCache maps_;
  CaseCache cache_;
};

}  // namespace melrecon::data

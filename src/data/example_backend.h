// What an ExampleSource reads its examples from, one implementation per kind of source: a
// melrecon dataset folder (data/dataset_examples.h) or fastMRI files
// (data/fastmri_examples.h). Internal to data/example_source.cpp and those backends.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "data/example_source.h"
#include "io/bart_layout.h"

namespace melrecon::data {

// The examples a source holds, known once it is opened.
struct SourceIndex {
  io::DataKind kind = io::DataKind::image2d;
  std::vector<int64_t> fft_axes;
  std::vector<std::string> cases;
  std::vector<int64_t> case_sizes;     // examples (batch entries) per case
  std::vector<int64_t> spatial_shape;  // *S of the first case
};

class ExampleBackend {
 public:
  explicit ExampleBackend(SourceIndex index) : index_(std::move(index)) {}
  virtual ~ExampleBackend() = default;
  ExampleBackend(const ExampleBackend&) = delete;
  ExampleBackend& operator=(const ExampleBackend&) = delete;

  const SourceIndex& index() const { return index_; }
  // k-space, coil maps and reference of one example (and its stored mask, if any).
  virtual LoadedExample load(const ExampleRef& ref) = 0;

 protected:
  // "<case>[<batch index>]"
  std::string example_name(const ExampleRef& ref) const {
    return index_.cases.at(ref.case_index) + "[" + std::to_string(ref.batch_index) + "]";
  }

 private:
  SourceIndex index_;
};

}  // namespace melrecon::data

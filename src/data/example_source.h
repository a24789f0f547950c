// Training and evaluation examples from
//   - a melrecon dataset folder (src/io/dataset.h): one example per batch entry of each case (a
//     2D volume's slices are separate examples; a 3D volume or a cine series is one);
//   - a fastMRI multicoil HDF5 file, or a folder of them without dataset.json
//     (src/io/fastmri_h5.h): each file is a case, each slice a 2D example, read one slice at a
//     time.
// Data is read lazily and kept in memory up to a byte budget. Missing coil maps are estimated
// once (ESPIRiT) and cached on disk (a dataset's case folder; next to fastMRI files in
// .melrecon-maps/ when that folder is writable); a missing reference is the coil combination of
// the fully sampled k-space.
#pragma once

#include <ATen/core/Tensor.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "io/bart_layout.h"

namespace melrecon::data {

struct ExampleRef {
  int64_t case_index = 0;
  int64_t batch_index = 0;
};

struct LoadedExample {
  at::Tensor kspace;     // [1, C, *S], fully sampled (or as acquired when a mask is stored)
  at::Tensor maps;       // [1, C, *S]
  at::Tensor reference;  // [1, *S]
  at::Tensor mask;       // [1, 1, *S] broadcastable, or undefined
  std::string name;      // "<case>[<batch index>]" for messages
};

class ExampleBackend;

class ExampleSource {
 public:
  // `path`: a dataset folder, a fastMRI .h5 file or a folder of .h5 files. Errors (a folder
  // with neither dataset.json nor .h5 files, unreadable files) are one line naming the path.
  explicit ExampleSource(const std::string& path, int64_t cache_bytes = int64_t{4} << 30);
  ~ExampleSource();
  ExampleSource(ExampleSource&&) noexcept;
  ExampleSource& operator=(ExampleSource&&) noexcept;

  io::DataKind kind() const;
  const std::vector<int64_t>& fft_axes() const;
  const std::vector<std::string>& case_names() const;
  std::vector<int64_t> spatial_shape() const;  // *S of the first case

  // Every example of the given cases, in order.
  std::vector<ExampleRef> examples(const std::vector<int64_t>& cases) const;
  LoadedExample load(const ExampleRef& ref);

 private:
  std::unique_ptr<ExampleBackend> backend_;
};

// Cases [0, n) split into training and validation: the last max(1, round(fraction·n)) cases
// validate (none when fraction is 0 or there is a single case).
std::pair<std::vector<int64_t>, std::vector<int64_t>> split_cases(int64_t n, double val_fraction);

}  // namespace melrecon::data

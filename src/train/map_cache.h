// Coil maps estimated for the slices of raw data files, kept on disk for the next epoch and the
// next run:
//   <folder>/.melrecon-maps/<file stem>/slice_NNNN.{cfl,hdr}   BART maps [1, C, Y, X]
// where <folder> holds the data files. When that folder cannot be created or written (read-only
// data), nothing is stored: the maps then live only as long as their slice stays in the
// ExampleSource's memory cache, and are estimated again after it was dropped.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

namespace melrecon::train {

class SliceMapCache {
 public:
  explicit SliceMapCache(const std::string& data_folder);

  bool on_disk() const { return !root_.empty(); }
  const std::string& root() const { return root_; }  // "" when not on disk

  // The stored maps of `slice` of file `stem` when they fit k-space of `kspace_shape`
  // [1, C, Y, X]; undefined when absent, unreadable or of another shape (they are then
  // estimated again and replaced).
  at::Tensor find(const std::string& stem, int64_t slice, at::IntArrayRef kspace_shape) const;
  void store(const std::string& stem, int64_t slice, const at::Tensor& maps) const;

 private:
  std::string path(const std::string& stem, int64_t slice) const;

  std::string root_;
};

}  // namespace melrecon::train

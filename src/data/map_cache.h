// Coil maps estimated for data that came without them (fastMRI slices, dataset cases without a
// maps file), kept for the next epoch and the next run without touching the data's own files:
//   <root>/<key>.{cfl,hdr}     BART maps of the key's data kind
// <root> is $MELRECON_MAP_CACHE/<folder name>-<hash of its absolute path> when that variable is
// set, else <data folder>/.melrecon-maps, made when maps are first stored (data that has its
// maps gets no such folder). When it cannot be created or written (read-only data)
// nothing is stored: the maps then live only as long as the example source's memory cache keeps
// their case, and are estimated again after it was dropped.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

#include "io/bart_layout.h"

namespace melrecon::data {

class MapCache {
 public:
  explicit MapCache(const std::string& data_folder);

  bool on_disk() const { return !root_.empty(); }
  const std::string& root() const { return root_; }  // "" when not on disk

  // The stored maps of `key` (e.g. "file/slice_0003", "case_0002") when they fit k-space of
  // `kspace_shape`; undefined when absent, unreadable or of another shape (they are then
  // estimated again and replaced).
  at::Tensor find(const std::string& key, io::DataKind kind, at::IntArrayRef kspace_shape) const;
  void store(const std::string& key, io::DataKind kind, const at::Tensor& maps) const;

 private:
  std::string path(const std::string& key) const;

  std::string root_;
};

}  // namespace melrecon::data

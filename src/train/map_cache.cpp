#include "train/slice_map_cache.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "core/error.h"
#include "io/bart_layout.h"

namespace melrecon::train {
namespace fs = std::filesystem;

SliceMapCache::SliceMapCache(const std::string& data_folder) {
  const fs::path root = fs::path(data_folder) / ".melrecon-maps";
  std::error_code error;
  fs::create_directories(root, error);
  if (!error && fs::is_directory(root) && ::access(root.c_str(), W_OK) == 0) root_ = root.string();
}

std::string SliceMapCache::path(const std::string& stem, int64_t slice) const {
  return (fs::path(root_) / stem / fmt::format("slice_{:04d}", slice)).string();
}

at::Tensor SliceMapCache::find(const std::string& stem, int64_t slice,
                               at::IntArrayRef kspace_shape) const {
  const std::string base = path(stem, slice);
  if (!on_disk() || !fs::exists(base + ".hdr")) return {};  // .hdr is written after .cfl
  try {
    const at::Tensor maps = io::read_bart(base, io::Role::maps, io::DataKind::image2d);
    if (maps.sizes() == kspace_shape) return maps;
  } catch (const core::Error&) {
    // Unreadable (truncated or edited by hand): estimated again and replaced.
  }
  return {};
}

void SliceMapCache::store(const std::string& stem, int64_t slice, const at::Tensor& maps) const {
  if (!on_disk()) return;
  fs::create_directories(fs::path(root_) / stem);
  io::write_bart(path(stem, slice), maps, io::Role::maps, io::DataKind::image2d);
}

}  // namespace melrecon::train

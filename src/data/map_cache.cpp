#include "data/map_cache.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <system_error>

#include "core/error.h"

namespace melrecon::data {
namespace fs = std::filesystem;
namespace {

fs::path cache_root(const std::string& data_folder) {
  const char* shared = std::getenv("MELRECON_MAP_CACHE");
  if (shared == nullptr || *shared == '\0') return fs::path(data_folder) / ".melrecon-maps";
  const fs::path absolute = fs::absolute(data_folder).lexically_normal();
  const std::string name = absolute.filename().empty() ? absolute.parent_path().filename().string()
                                                       : absolute.filename().string();
  return fs::path(shared) /
         fmt::format("{}-{:016x}", name, std::hash<std::string>{}(absolute.string()));
}

}  // namespace

MapCache::MapCache(const std::string& data_folder) {
  // The folder is made when maps are first stored, so data that has its maps gets none; usable
  // when its nearest existing ancestor is a folder we may write in.
  const fs::path root = fs::absolute(cache_root(data_folder)).lexically_normal();
  fs::path existing = root;
  std::error_code error;
  while (!existing.empty() && !fs::exists(existing, error) && existing != existing.parent_path()) {
    existing = existing.parent_path();
  }
  if (fs::is_directory(existing, error) && ::access(existing.c_str(), W_OK) == 0) {
    root_ = root.string();
  }
}

std::string MapCache::path(const std::string& key) const {
  return (fs::path(root_) / key).string();
}

at::Tensor MapCache::find(const std::string& key, io::DataKind kind,
                          at::IntArrayRef kspace_shape) const {
  const std::string base = path(key);
  if (!on_disk() || !fs::exists(base + ".hdr")) return {};  // .hdr is written after .cfl
  try {
    const at::Tensor maps = io::read_bart(base, io::Role::maps, kind);
    if (io::maps_fit(maps.sizes(), kspace_shape, kind)) return maps;
  } catch (const core::Error&) {
    // Unreadable (truncated or edited by hand): estimated again and replaced.
  }
  return {};
}

void MapCache::store(const std::string& key, io::DataKind kind, const at::Tensor& maps) const {
  if (!on_disk()) return;
  std::error_code error;
  fs::create_directories(fs::path(path(key)).parent_path(), error);
  if (error) return;  // full or read-only meanwhile: the maps stay in memory only
  io::write_bart(path(key), maps, io::Role::maps, kind);
}

}  // namespace melrecon::data

#include "io/path_relation.h"

namespace melrecon::io {

std::filesystem::path resolved_path(const std::string& path) {
  std::error_code ignored;
  // Absolute first: with no existing prefix a relative path would come back relative.
  const std::filesystem::path absolute = std::filesystem::absolute(path, ignored);
  std::filesystem::path resolved = std::filesystem::weakly_canonical(absolute, ignored);
  if (resolved.empty()) resolved = absolute.lexically_normal();
  // "out/" of a folder not made yet keeps its separator; it is the same path as "out".
  return resolved.has_filename() || !resolved.has_parent_path() ? resolved : resolved.parent_path();
}

std::filesystem::path path_within(const std::string& path, const std::string& folder) {
  return resolved_path(path).lexically_relative(resolved_path(folder));
}

bool is_inside(const std::filesystem::path& relative) {
  return !relative.empty() && *relative.begin() != "..";
}

bool is_within(const std::string& path, const std::string& folder) {
  return is_inside(path_within(path, folder));
}

}  // namespace melrecon::io

// How two paths relate once the file system resolves them (./x, x/../x and symlinks are x), so
// that an output can be kept out of an input.
#pragma once

#include <filesystem>
#include <string>

namespace melrecon::io {

// `path` made absolute with its existing part's symlinks resolved, without a trailing separator;
// never fails.
std::filesystem::path resolved_path(const std::string& path);

// `path` relative to `folder`, both resolved: empty or starting with ".." when `path` lies
// outside `folder`, "." when it is `folder`.
std::filesystem::path path_within(const std::string& path, const std::string& folder);

// Whether a result of path_within names the folder itself or a place inside it.
bool is_inside(const std::filesystem::path& relative);

// Whether `path` is `folder` or lies inside it.
bool is_within(const std::string& path, const std::string& folder);

}  // namespace melrecon::io

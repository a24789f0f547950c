#include "io/folder_listing.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "core/error.h"

namespace melrecon::io {
namespace fs = std::filesystem;

std::vector<std::string> files_in(const std::string& dir, const std::string& extension) {
  std::error_code error;
  fs::directory_iterator it(dir, error);
  MELRECON_CHECK(!error, "{}: cannot list the folder ({})", dir, error.message());
  std::vector<std::string> files;
  for (const auto& entry : it) {
    if (entry.is_regular_file() && entry.path().extension() == extension) {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace melrecon::io

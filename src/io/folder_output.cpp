#include "io/folder_output.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "core/error.h"
#include "io/atomic_file.h"
#include "io/dataset.h"

namespace melrecon::io {
namespace fs = std::filesystem;
void write_folder_atomically(const std::string& dir, bool overwrite,
                             const std::function<void(const std::string& tmp)>& fill) {
  const fs::path target = fs::absolute(fs::path(dir)).lexically_normal();
  const fs::path where = target.filename().empty() ? target.parent_path() : target;
  MELRECON_CHECK(!fs::exists(where) || fs::is_directory(where), "{}: exists and is not a folder",
                 dir);
  const bool had_target = fs::exists(where);
  MELRECON_CHECK(
      !had_target || overwrite || fs::is_empty(where),
      "{}: exists and is not empty; write to a new folder, or pass --overwrite to replace "
      "it whole",
      dir);
  // --overwrite replaces a dataset, never a folder of other files (a home, a project, ".").
  MELRECON_CHECK(!had_target || fs::is_empty(where) || fs::exists(where / kDatasetIndex),
                 "{}: is not empty and holds no dataset.json; --overwrite replaces only a dataset "
                 "folder, so write to a new folder",
                 dir);
  std::error_code error;
  fs::create_directories(where.parent_path(), error);
  MELRECON_CHECK(!error, "{}: cannot create its parent folder: {}", dir, error.message());
  remove_stale_temporaries(where);
  const fs::path tmp = where.string() + ".tmp." + std::to_string(::getpid());
  fs::remove_all(tmp, error);
  fs::create_directory(tmp, error);
  MELRECON_CHECK(!error, "{}: cannot create a folder beside it: {}", tmp.string(), error.message());
  try {
    fill(tmp.string());
  } catch (...) {
    fs::remove_all(tmp, error);
    throw;
  }
  if (had_target) {
    // Atomic swap: the old folder is never half replaced; it then sits at `tmp` and goes.
    if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, where.c_str(), RENAME_EXCHANGE) != 0) {
      const std::string reason = std::strerror(errno);
      fs::remove_all(tmp, error);
      core::fail("{}: cannot replace it: {}", dir, reason);
    }
  } else if (::rename(tmp.c_str(), where.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    fs::remove_all(tmp, error);
    core::fail("{}: cannot create it: {}", dir, reason);
  }
  fs::remove_all(tmp, error);
}

}  // namespace melrecon::io

#include "io/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/error.h"

namespace melrecon::io {
namespace {

// fsync; its error (e.g. ENOSPC surfacing only now) for a file, none for a folder on file
// systems that refuse to sync one.
int fsync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return directory ? 0 : errno;
  const int result = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  return directory ? 0 : result;
}

// Opens `target` (truncating it), writes, flushes; errors name `path`, the file the user asked for.
void write_into(const std::string& target, const std::string& path,
                const std::function<void(std::ostream&)>& write, std::ofstream& out) {
  out.open(target, std::ios::binary | std::ios::trunc);
  MELRECON_CHECK(out.good(), "{}: cannot open for writing ({})", path, std::strerror(errno));
  write(out);
  out.flush();
  MELRECON_CHECK(out.good(), "{}: write failed ({})", path, std::strerror(errno));
}

}  // namespace

void remove_stale_temporaries(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path target = fs::absolute(fs::path(path)).lexically_normal();
  const std::string prefix = target.filename().string() + ".tmp.";
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(target.parent_path(), error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string pid_text = name.substr(prefix.size());
    if (pid_text.empty() || pid_text.size() > 9 ||
        pid_text.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
    if (::kill(pid, 0) != 0 && errno == ESRCH) fs::remove_all(entry.path(), error);
  }
}

void write_file_atomically(const std::string& path,
                           const std::function<void(std::ostream&)>& write) {
  std::error_code status_error;
  const auto status = std::filesystem::status(path, status_error);
  MELRECON_CHECK(status.type() != std::filesystem::file_type::directory,
                 "{}: is a folder, not a file name", path);
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    // A device or pipe (/dev/null, /dev/stdout, a FIFO) is written into, never replaced.
    std::ofstream out;
    write_into(path, path, write, out);
    return;
  }
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  try {
    std::ofstream out;
    write_into(tmp, path, write, out);
    out.close();
    MELRECON_CHECK(!out.fail(), "{}: write failed ({})", path, std::strerror(errno));
    const int synced = fsync_path(tmp, false);
    MELRECON_CHECK(synced == 0, "{}: write failed ({})", path, std::strerror(synced));
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);  // no partial file is left behind
    throw;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    core::fail("{}: cannot rename temporary file into place ({})", path, ec.message());
  }
  const auto parent = std::filesystem::path(path).parent_path();
  fsync_path(parent.empty() ? "." : parent.string(), true);
}

}  // namespace melrecon::io

// Files are written atomically (temporary, then renamed into place), but a device or pipe
// already at the path is written into, never replaced by a regular file, and a folder at the
// path is refused.
#include "io/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "support/expect_error.h"
#include "support/test_support.h"

namespace melrecon::io {
namespace {
namespace fs = std::filesystem;

void write_x(const std::string& path) {
  write_file_atomically(path, [](std::ostream& out) { out << "x"; });
}

TEST(AtomicFile, DevicesAreWrittenIntoNotReplaced) {
  const std::string d = test_support::temp_dir("atomic_file_devices");
  const std::string full = d + "/full", null = d + "/null";
  // Private device nodes like /dev/full and /dev/null (making them needs root).
  if (::mknod(full.c_str(), S_IFCHR | 0666, makedev(1, 7)) != 0 ||
      ::mknod(null.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
    GTEST_SKIP() << "cannot make device nodes here (not root)";
  }
  test_support::expect_error<core::Error>([&] { write_x(full); }, full, "No space left");
  EXPECT_TRUE(fs::is_character_file(full));
  write_x(null);
  EXPECT_TRUE(fs::is_character_file(null));
  EXPECT_EQ(std::distance(fs::directory_iterator(d), fs::directory_iterator()), 2)
      << "no temporary left beside them";
}

TEST(AtomicFile, AFolderIsNotAFileName) {
  const std::string d = test_support::temp_dir("atomic_file_folder");
  fs::create_directories(d + "/out");
  test_support::expect_error<core::Error>([&] { write_x(d + "/out"); }, d + "/out", "is a folder");
  EXPECT_TRUE(fs::is_directory(d + "/out"));
  write_x(d + "/file");
  std::ifstream in(d + "/file");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "x");
}

}  // namespace
}  // namespace melrecon::io

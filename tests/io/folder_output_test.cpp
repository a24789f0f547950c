// An output folder appears whole or not at all: a non-empty folder is refused without
// overwrite and replaced whole with it; a failed write leaves the old folder and no temporary.
#include "io/folder_output.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "core/error.h"
#include "support/expect_error.h"
#include "support/test_support.h"

namespace melrecon::io {
namespace {
namespace fs = std::filesystem;

void write_text(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

int entries_beside(const fs::path& dir) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir.parent_path())) n += e.path() != dir;
  return n;
}

TEST(FolderOutput, NewFolderAppearsWithItsContents) {
  const fs::path dir = fs::path(test_support::temp_dir("folder_output_new")) / "a" / "data";
  write_folder_atomically(dir.string(), false,
                          [](const std::string& tmp) { write_text(fs::path(tmp) / "x", "new"); });
  EXPECT_EQ(read_text(dir / "x"), "new");
  EXPECT_EQ(entries_beside(dir), 0);  // no temporary left
}

TEST(FolderOutput, NonEmptyFolderIsRefusedOrReplacedWhole) {
  const fs::path dir = fs::path(test_support::temp_dir("folder_output_existing")) / "data";
  fs::create_directories(dir / "case_0007");
  write_text(dir / "case_0007" / "old", "old");
  const auto fill = [](const std::string& tmp) { write_text(fs::path(tmp) / "x", "new"); };
  // A folder that is not a dataset is never replaced, --overwrite or not.
  test_support::expect_error<core::Error>(
      [&] { write_folder_atomically(dir.string(), true, fill); }, dir.string(),
      "holds no dataset.json");
  EXPECT_EQ(read_text(dir / "case_0007" / "old"), "old");
  write_text(dir / "dataset.json", "{}");
  test_support::expect_error<core::Error>(
      [&] { write_folder_atomically(dir.string(), false, fill); }, dir.string(), "--overwrite");
  EXPECT_EQ(read_text(dir / "case_0007" / "old"), "old");  // untouched
  write_folder_atomically(dir.string(), true, fill);
  EXPECT_EQ(read_text(dir / "x"), "new");
  EXPECT_FALSE(fs::exists(dir / "case_0007"));  // nothing of the old dataset is left in it
  EXPECT_EQ(entries_beside(dir), 0);
}

TEST(FolderOutput, AFailedWriteLeavesTheOldFolderAndNoTemporary) {
  const fs::path dir = fs::path(test_support::temp_dir("folder_output_failed")) / "data";
  fs::create_directories(dir);
  write_text(dir / "x", "old");
  write_text(dir / "dataset.json", "{}");
  EXPECT_THROW(write_folder_atomically(dir.string(), true,
                                       [](const std::string& tmp) {
                                         write_text(fs::path(tmp) / "x", "half");
                                         throw std::runtime_error("disk full");
                                       }),
               std::runtime_error);
  EXPECT_EQ(read_text(dir / "x"), "old");
  EXPECT_EQ(entries_beside(dir), 0);
  // A temporary of a killed run (a process id that cannot exist) is cleaned up by the next one.
  fs::create_directories(dir.string() + ".tmp.999999999");
  write_folder_atomically(dir.string(), true, [](const std::string&) {});
  EXPECT_EQ(entries_beside(dir), 0);
}

TEST(FolderOutput, AFileIsNotAFolder) {
  const fs::path file = fs::path(test_support::temp_dir("folder_output_file")) / "data";
  write_text(file, "not a folder");
  test_support::expect_error<core::Error>(
      [&] { write_folder_atomically(file.string(), true, [](const std::string&) {}); },
      file.string(), "not a folder");
}

}  // namespace
}  // namespace melrecon::io

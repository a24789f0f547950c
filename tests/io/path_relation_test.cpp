// Paths are compared as the file system resolves them: relative or absolute, with "." and "..",
// a trailing separator, through a symlink, made or not yet made.
#include "io/path_relation.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/test_support.h"

namespace melrecon::io {
namespace {
namespace fs = std::filesystem;

TEST(PathRelation, SpellingsOfOnePathResolveAlike) {
  const fs::path dir = test_support::temp_dir("path_relation");
  fs::create_directories(dir / "data");
  const fs::path cwd = fs::current_path();
  fs::current_path(dir);
  EXPECT_EQ(resolved_path("data"), resolved_path((dir / "data").string()));
  EXPECT_EQ(resolved_path("data/"), resolved_path("./data"));
  EXPECT_EQ(resolved_path("new/run/"), resolved_path((dir / "new/x/../run").string()));
  EXPECT_TRUE(resolved_path("new/run").is_absolute());
  fs::current_path(cwd);
  fs::remove(dir / "link");
  fs::create_directory_symlink(dir / "data", dir / "link");
  EXPECT_EQ(resolved_path((dir / "link/case").string()),
            resolved_path((dir / "data/case").string()));
}

TEST(PathRelation, WithinMeansTheFolderOrBelowIt) {
  const fs::path dir = test_support::temp_dir("path_relation_within");
  fs::create_directories(dir / "data/case_0000");
  const std::string data = (dir / "data").string();
  EXPECT_TRUE(is_within(data + "/", data));
  EXPECT_EQ(path_within(data + "/.", data), fs::path("."));
  EXPECT_TRUE(is_within(data + "/case_0000/run", data));
  EXPECT_EQ(path_within(data + "/case_0000/run", data), fs::path("case_0000/run"));
  EXPECT_FALSE(is_within((dir / "data2").string(), data));  // a prefix of the name is not a folder
  EXPECT_FALSE(is_within((dir / "data/../run").string(), data));
  EXPECT_FALSE(is_within(dir.string(), data));
  EXPECT_FALSE(is_inside(fs::path()));  // no relative path: another root
  EXPECT_FALSE(is_inside("../data/x"));
  EXPECT_TRUE(is_inside("."));
}

}  // namespace
}  // namespace melrecon::io

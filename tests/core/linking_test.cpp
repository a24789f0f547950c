// The executables link libstdc++ ahead of LibTorch (cmake/melrecon_module.cmake): PyPI's
// libtorch exports its own static copy of std::filesystem, whose remove_all crashes on a
// non-empty tree when the executable binds to it.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/test_support.h"

namespace melrecon::core {
namespace {

TEST(Linking, StdFilesystemRemovesANonEmptyTreeBesideLibTorch) {
  const std::filesystem::path root = test_support::temp_dir("linking");
  std::filesystem::create_directories(root / "a" / "b");
  std::ofstream(root / "a" / "b" / "file") << at::ones({2}).sum().item<float>();
  EXPECT_EQ(std::filesystem::remove_all(root / "a"), 3u);
  EXPECT_FALSE(std::filesystem::exists(root / "a"));
}

}  // namespace
}  // namespace melrecon::core

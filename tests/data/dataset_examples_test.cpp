// Examples of a dataset folder. A case without coil maps: they are estimated once and kept in
// the map cache, beside the data (.melrecon-maps/) or under $MELRECON_MAP_CACHE, and the
// dataset's own files are never written (reading never writes). A dataset.json whose kind
// contradicts the data is named as such.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "core/error.h"
#include "data/example_source.h"
#include "io/dataset.h"
#include "sim/simulate.h"
#include "support/expect_error.h"
#include "support/test_support.h"

namespace melrecon::data {
namespace {
namespace fs = std::filesystem;

// A 2D dataset of one case whose maps files were removed.
std::string dataset_without_maps(const std::string& name) {
  const std::string dir = test_support::temp_dir(name) + "/data";
  sim::simulate_dataset(
      sim::SimulateOptions(io::DataKind::image2d, {24, 20}).cases(1).coils(4).seed(2), dir);
  fs::remove(dir + "/case_0000/maps.cfl");
  fs::remove(dir + "/case_0000/maps.hdr");
  return dir;
}

TEST(DatasetMaps, EstimatedOnceAndCachedBesideTheDataNotInIt) {
  const std::string dir = dataset_without_maps("dataset_maps_beside");
  const at::Tensor first = ExampleSource(dir).load({0, 0}).maps;
  ASSERT_EQ(first.sizes(), (std::vector<int64_t>{1, 4, 24, 20}));
  EXPECT_FALSE(fs::exists(dir + "/case_0000/maps.cfl"));
  ASSERT_TRUE(fs::exists(dir + "/.melrecon-maps/case_0000.hdr"));
  // The next run reads the cached maps (edited here, so that reading them is visible).
  io::write_bart(dir + "/.melrecon-maps/case_0000", first * 2, io::Role::maps,
                 io::DataKind::image2d);
  EXPECT_TRUE(at::equal(ExampleSource(dir).load({0, 0}).maps, first * 2));
}

TEST(DatasetMaps, ASharedCacheFolderKeepsTheDataFolderUntouched) {
  const std::string dir = dataset_without_maps("dataset_maps_shared");
  const std::string cache = test_support::temp_dir("dataset_maps_shared_cache");
  ::setenv("MELRECON_MAP_CACHE", cache.c_str(), 1);
  const at::Tensor maps = ExampleSource(dir).load({0, 0}).maps;
  ::unsetenv("MELRECON_MAP_CACHE");
  EXPECT_EQ(maps.sizes(), (std::vector<int64_t>{1, 4, 24, 20}));
  EXPECT_FALSE(fs::exists(dir + "/.melrecon-maps"));
  int cached = 0;
  for (const auto& e : fs::recursive_directory_iterator(cache))
    cached += e.path().extension() == ".hdr";
  EXPECT_EQ(cached, 1);
}

TEST(DatasetMaps, DataWithItsMapsGetsNoCacheFolder) {
  const std::string dir = test_support::temp_dir("dataset_maps_complete") + "/data";
  sim::simulate_dataset(
      sim::SimulateOptions(io::DataKind::image2d, {24, 20}).cases(1).coils(4).seed(2), dir);
  ExampleSource(dir).load({0, 0});
  EXPECT_FALSE(fs::exists(dir + "/.melrecon-maps")) << "reading wrote into the data folder";
}

TEST(DatasetExamples, AKindThatContradictsTheDataIsNamed) {
  const std::string dir = test_support::temp_dir("dataset_kind") + "/data";
  sim::simulate_dataset(
      sim::SimulateOptions(io::DataKind::cine, {6, 16, 16}).cases(1).coils(2).seed(1), dir);
  io::DatasetInfo info = io::read_dataset_info(dir);
  info.kind = io::DataKind::volume3d;  // a cine dataset labelled 3d
  io::write_dataset_info(dir, info);
  test_support::expect_error<core::Error>([&] { ExampleSource source(dir); }, dir + "/dataset.json",
                                          "kind '3d', but");
}

}  // namespace
}  // namespace melrecon::data

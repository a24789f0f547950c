#include "io/dataset.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "support/expect_error.h"
#include "support/test_support.h"

namespace melrecon::io {
namespace {

TEST(Dataset, CasesAndIndexRoundTrip) {
  const std::string dir = test_support::temp_dir("dataset_round_trip");
  CaseData c;
  c.kspace = test_support::random_complex({2, 3, 4, 8, 6}, 1, at::kComplexFloat);
  c.maps = test_support::random_complex({1, 3, 4, 8, 6}, 2, at::kComplexFloat);
  c.reference = test_support::random_complex({2, 4, 8, 6}, 3, at::kComplexFloat);
  c.mask = (at::rand({1, 1, 4, 8, 6}) > 0.5).to(at::kFloat);
  write_case(dir, "case_a", c, DataKind::cine);
  DatasetInfo info;
  info.kind = DataKind::cine;
  info.cases = {"case_a"};
  info.extra["seed"] = 7;
  write_dataset_info(dir, info);

  const DatasetInfo back = read_dataset_info(dir);
  EXPECT_EQ(back.kind, DataKind::cine);
  EXPECT_EQ(back.cases, info.cases);
  EXPECT_EQ(back.fft_axes, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(back.extra.at("seed"), 7);
  const CaseData r = read_case(dir, "case_a", back.kind);
  EXPECT_TRUE(at::equal(r.kspace, c.kspace));
  EXPECT_TRUE(at::equal(r.maps, c.maps));
  EXPECT_TRUE(at::equal(r.reference, c.reference));
  EXPECT_TRUE(at::equal(r.mask, c.mask));
}

TEST(Dataset, BadIndexAndMismatchedFilesAreNamed) {
  const std::string dir = test_support::temp_dir("dataset_bad");
  EXPECT_THROW(read_dataset_info(dir), core::Error);
  std::ofstream(dir + "/dataset.json") << "{not json";
  try {
    read_dataset_info(dir);
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("dataset.json: not valid JSON"), std::string::npos);
  }
  std::ofstream(dir + "/dataset.json")
      << R"({"format": "melrecon-dataset", "version": 1, "kind": "2d", "cases": ["x"]})";
  EXPECT_THROW(read_dataset_info(dir), core::Error);  // case folder missing

  CaseData c;
  c.kspace = test_support::random_complex({1, 3, 8, 6}, 1, at::kComplexFloat);
  c.maps = test_support::random_complex({1, 3, 8, 5}, 2, at::kComplexFloat);
  write_case(dir, "x", c, DataKind::image2d);
  try {
    read_case(dir, "x", DataKind::image2d);
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("x/maps.cfl"), std::string::npos) << e.what();
  }
  // A reference with more (or fewer) examples than the k-space: not truncated, refused.
  c.maps = test_support::random_complex({1, 3, 8, 6}, 2, at::kComplexFloat);
  c.reference = test_support::random_complex({2, 8, 6}, 3, at::kComplexFloat);
  write_case(dir, "y", c, DataKind::image2d);
  test_support::expect_error<core::Error>([&] { read_case(dir, "y", DataKind::image2d); },
                                          "y/reference.cfl",
                                          "2 examples (batch entries), k-space has 1");
  // All-zero coil maps are named as such, not later as an all-zero undersampled k-space.
  c.maps = at::zeros({1, 3, 8, 6}, at::kComplexFloat);
  c.reference = at::Tensor();
  write_case(dir, "z", c, DataKind::image2d);
  test_support::expect_error<core::Error>([&] { read_case(dir, "z", DataKind::image2d); },
                                          "z/maps.cfl", "all zero");
}

// Cine maps as BART stores them, without TIME: read as one frame and accepted for any number of
// frames; a 2D or 3D case must still match its k-space on every axis.
TEST(Dataset, CineMapsWithoutFramesFitEveryFrame) {
  const std::string dir = test_support::temp_dir("dataset_cine_maps");
  CaseData c;
  c.kspace = test_support::random_complex({1, 3, 6, 8, 4}, 1, at::kComplexFloat);
  c.maps = test_support::random_complex({1, 3, 1, 8, 4}, 2, at::kComplexFloat);
  write_case(dir, "x", c, DataKind::cine);
  const CaseData back = read_case(dir, "x", DataKind::cine);
  EXPECT_EQ(back.maps.sizes(), c.maps.sizes());
  EXPECT_TRUE(at::equal(back.maps, c.maps));

  EXPECT_TRUE(maps_fit({1, 3, 1, 8, 4}, {1, 3, 6, 8, 4}, DataKind::cine));
  EXPECT_FALSE(maps_fit({1, 3, 1, 8, 4}, {1, 3, 6, 8, 4}, DataKind::volume3d));
  EXPECT_FALSE(maps_fit({1, 3, 2, 8, 4}, {1, 3, 6, 8, 4}, DataKind::cine));
  EXPECT_FALSE(maps_fit({1, 2, 1, 8, 4}, {1, 3, 6, 8, 4}, DataKind::cine));
  EXPECT_FALSE(maps_fit({1, 3, 1, 8, 1}, {1, 3, 6, 8, 4}, DataKind::cine));
  c.maps = test_support::random_complex({1, 3, 1, 8, 4}, 2, at::kComplexFloat);
  c.kspace = test_support::random_complex({1, 3, 6, 8, 4}, 1, at::kComplexFloat);
  write_case(dir, "v", c, DataKind::volume3d);
  try {
    read_case(dir, "v", DataKind::volume3d);
    FAIL() << "3D maps of one slice were accepted";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("v/maps.cfl: maps shape [1, 3, 1, 8, 4] does not match"),
              std::string::npos)
        << e.what();
  }
}

TEST(Dataset, IndexFieldsOfTheWrongTypeOrOutsideTheFolderAreNamed) {
  const std::string dir = test_support::temp_dir("dataset_index_fields");
  const std::string file = dir + "/dataset.json";
  const auto refused = [&](const std::string& json, const std::string& what) {
    std::ofstream(file) << json;
    test_support::expect_error<core::Error>([&] { read_dataset_info(dir); }, file, what);
  };
  // Found by fuzzing: a "format" that is not a string escaped as a JSON library exception.
  refused(R"({"format": 5, "version": 1, "kind": "2d", "cases": ["x"]})", "\"format\" must be");
  // Each field of the wrong type, or missing, is named with what it must be.
  const std::string head = R"({"format": "melrecon-dataset", )";
  refused(head + R"("version": "1", "kind": "2d", "cases": ["x"]})",
          "'version' must be an integer");
  refused(head + R"("version": 1, "kind": 2, "cases": ["x"]})", "'kind' must be a string");
  refused(head + R"("version": 1, "kind": "4d", "cases": ["x"]})",
          "'kind' is '4d', expected one of");
  refused(head + R"("version": 1, "kind": "2d", "cases": "x"})",
          "'cases' must be a list of strings");
  refused(head + R"("version": 1, "kind": "2d"})", "'cases' is missing");
  refused(head + R"("version": 1, "kind": "2d", "cases": ["x"], "fft_axes": [0.5]})",
          "'fft_axes' must be a list of integers");
  refused(R"({"format": "melrecon-dataset", "version": 1, "kind": "2d", "cases": ["../x"]})",
          "not a folder name inside the dataset");
  refused(
      R"({"format": "melrecon-dataset", "version": 1, "kind": "2d", "cases": ["x"], "fft_axes": [0, 7]})",
      "fft_axes must be distinct spatial axes in [0, 2)");
}

}  // namespace
}  // namespace melrecon::io

// The labelled preview eval writes: text drawn from the 5×7 font, views per data kind (3D
// mid-planes, cine frame and x–t profile), panels enlarged to at least 256 px, the images where
// the layout puts them, on the reference's scale.
#include "eval/preview_sheet.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "io/bitmap_font.h"

namespace melrecon::eval {
namespace {

TEST(BitmapFont, GlyphsAreDistinctAndScaled) {
  const at::Tensor zero = io::render_text("0"), eight = io::render_text("8");
  EXPECT_EQ(zero.sizes(), (std::vector<int64_t>{7, 5}));
  EXPECT_FALSE(at::equal(zero, eight));
  EXPECT_GT(zero.sum().item<double>(), 0);
  EXPECT_EQ(io::render_text(" ").sum().item<double>(), 0);
  EXPECT_TRUE(at::equal(io::render_text("PSNR"), io::render_text("psnr")));  // upper as lower
  const at::Tensor two = io::render_text("db", 2);
  EXPECT_EQ(two.sizes(), (std::vector<int64_t>{14, 22}));
  EXPECT_TRUE(at::equal(two.index({at::indexing::Slice(0, at::indexing::None, 2),
                                   at::indexing::Slice(0, at::indexing::None, 2)}),
                        io::render_text("db")));
}

TEST(PreviewSheet, ViewsByDataKind) {
  const at::Tensor volume = at::randn({8, 12, 16});
  const auto v3 = preview_views(volume, io::DataKind::volume3d);
  ASSERT_EQ(v3.size(), 3u);
  EXPECT_TRUE(at::equal(v3[0].second, volume.select(0, 4).abs()));  // axial
  EXPECT_TRUE(at::equal(v3[1].second, volume.select(1, 6).abs()));  // coronal
  EXPECT_TRUE(at::equal(v3[2].second, volume.select(2, 8).abs()));  // sagittal
  const auto cine = preview_views(volume, io::DataKind::cine);
  ASSERT_EQ(cine.size(), 2u);
  EXPECT_EQ(cine[1].first, "x-t");
  EXPECT_EQ(cine[1].second.sizes(), (std::vector<int64_t>{8, 16}));  // time down, x across
}

TEST(PreviewSheet, PanelsAreLabelledEnlargedAndOnTheReferencesScale) {
  const at::Tensor ref = at::rand({20, 24}) + 0.5;  // a 2D example
  const std::vector<SheetColumn> columns{{"reference", "20x24 px", ref},
                                         {"modl", "31.00 db / 0.900", ref * 0.5},
                                         {"error x5", "modl", ref * 0.01, 5.0}};
  const double white = ref.max().item<double>();
  const at::Tensor sheet = preview_sheet(columns, io::DataKind::image2d, white);
  const int64_t zoom = 11;  // ceil(256 / 24)
  const int64_t header = 2 * (14 + 6) + 4, column = 24 * zoom + 4;
  ASSERT_EQ(sheet.size(0), header + 20 * zoom + 4);
  ASSERT_EQ(sheet.size(1), 3 * column);
  EXPECT_GE(24 * zoom, 256);
  // Each panel is its image, enlarged, divided by white, times the gain.
  for (int64_t c = 0; c < 3; ++c) {
    const at::Tensor panel = sheet.narrow(0, header, 20 * zoom).narrow(1, c * column, 24 * zoom);
    const at::Tensor expected = (columns[c].image * columns[c].gain / white)
                                    .clamp(0, 1)
                                    .repeat_interleave(zoom, 0)
                                    .repeat_interleave(zoom, 1);
    EXPECT_TRUE(at::allclose(panel, expected.to(at::kFloat))) << columns[c].title;
  }
  // The labels are drawn above: ink in the header of every column.
  for (int64_t c = 0; c < 3; ++c) {
    EXPECT_GT(sheet.narrow(0, 0, header).narrow(1, c * column, column - 4).sum().item<double>(), 20)
        << columns[c].title;
  }
}

TEST(PreviewSheet, VolumesShowThreePlanesAndNameThem) {
  const at::Tensor ref = at::rand({16, 40, 32});
  const at::Tensor sheet =
      preview_sheet({{"reference", "16x40x32 px", ref}}, io::DataKind::volume3d, 1.0);
  const int64_t zoom = 7;  // ceil(256 / 40): the axial plane is 40 x 32
  const int64_t margin = io::render_text("sagittal", 2).size(1) + 8;
  EXPECT_EQ(sheet.size(0), 2 * 20 + 4 + (40 + 16 + 16) * zoom + 3 * 4);
  EXPECT_EQ(sheet.size(1), margin + 40 * zoom + 4);  // the sagittal plane (16 x 40) is widest
  EXPECT_GT(sheet.narrow(1, 0, margin).sum().item<double>(), 0) << "row names";
}

TEST(PreviewSheet, RowsLowerThanTheirNamesStillDraw) {
  // 8 frames of 256 x 256: the x-t row is 8 px high, its name 14 px.
  const at::Tensor cine = at::rand({8, 256, 256});
  const at::Tensor sheet = preview_sheet({{"reference", "", cine}}, io::DataKind::cine, 1.0);
  EXPECT_EQ(sheet.size(0), 2 * 20 + 4 + 256 + 4 + 8 + 4);
}

}  // namespace
}  // namespace melrecon::eval

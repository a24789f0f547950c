#include "eval/preview_sheet.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "core/error.h"
#include "io/bitmap_font.h"

namespace melrecon::eval {
namespace {

constexpr int64_t kMinPanel = 256;  // px along a main view's longer side
constexpr int64_t kGap = 4;
constexpr int64_t kTextScale = 2;  // 5×7 glyphs drawn 10×14
constexpr int64_t kLineHeight = 7 * kTextScale + 6;

// Pastes `text` into `canvas` at (top, left), cut at `width` pixels and at the canvas's edge.
void draw_text(at::Tensor& canvas, const std::string& text, int64_t top, int64_t left,
               int64_t width) {
  at::Tensor ink = io::render_text(text, kTextScale);
  const int64_t w = std::min<int64_t>({ink.size(1), width, canvas.size(1) - left});
  const int64_t h = std::min<int64_t>(ink.size(0), canvas.size(0) - top);
  if (w <= 0 || h <= 0) return;
  canvas.narrow(0, top, h).narrow(1, left, w).copy_(ink.narrow(0, 0, h).narrow(1, 0, w));
}

}  // namespace

std::vector<std::pair<std::string, at::Tensor>> preview_views(const at::Tensor& image,
                                                              io::DataKind kind) {
  const at::Tensor x = image.abs();
  switch (kind) {
    case io::DataKind::image2d:
      return {{"", x}};
    case io::DataKind::volume3d:
      return {{"axial", x.select(0, x.size(0) / 2)},
              {"coronal", x.select(1, x.size(1) / 2)},
              {"sagittal", x.select(2, x.size(2) / 2)}};
    case io::DataKind::cine:
      return {{"frame", x.select(0, x.size(0) / 2)}, {"x-t", x.select(1, x.size(1) / 2)}};
  }
  core::fail_internal(__FILE__, __LINE__, "data kind {} has no views", static_cast<int>(kind));
}

at::Tensor preview_sheet(const std::vector<SheetColumn>& columns, io::DataKind kind, double white) {
  MELRECON_CHECK(!columns.empty(), "preview: no images");
  std::vector<std::vector<std::pair<std::string, at::Tensor>>> views;
  for (const SheetColumn& c : columns) views.push_back(preview_views(c.image.cpu(), kind));
  const at::Tensor& main = views[0][0].second;
  const int64_t zoom = std::max<int64_t>(1, (kMinPanel + std::max(main.size(0), main.size(1)) - 1) /
                                                std::max(main.size(0), main.size(1)));
  const size_t rows = views[0].size();
  // Row names in a left margin (3D and cine); columns as wide as their widest view.
  int64_t margin = 0;
  for (const auto& [name, view] : views[0]) {
    if (name.empty()) continue;
    margin = std::max<int64_t>(margin, io::render_text(name, kTextScale).size(1) + 2 * kGap);
  }
  int64_t column_width = 0;
  std::vector<int64_t> row_height(rows);
  for (size_t r = 0; r < rows; ++r) {
    row_height[r] = views[0][r].second.size(0) * zoom;
    column_width = std::max(column_width, views[0][r].second.size(1) * zoom);
  }
  const int64_t header = 2 * kLineHeight + kGap;
  int64_t height = header;
  for (int64_t h : row_height) height += h + kGap;
  const int64_t n = static_cast<int64_t>(columns.size());
  const int64_t width = margin + n * (column_width + kGap);
  at::Tensor canvas = at::zeros({height, width}, at::kFloat);
  const double scale = white > 0 ? white : 1.0;
  for (int64_t c = 0; c < n; ++c) {
    const int64_t left = margin + c * (column_width + kGap);
    draw_text(canvas, columns[c].title, kGap, left, column_width);
    draw_text(canvas, columns[c].caption, kGap + kLineHeight, left, column_width);
    int64_t top = header;
    for (size_t r = 0; r < rows; ++r) {
      const at::Tensor view = views[c][r].second;
      const at::Tensor big = (view.to(at::kFloat) * (columns[c].gain / scale))
                                 .clamp(0, 1)
                                 .repeat_interleave(zoom, 0)
                                 .repeat_interleave(zoom, 1);
      canvas.narrow(0, top, big.size(0)).narrow(1, left, big.size(1)).copy_(big);
      if (c == 0) draw_text(canvas, views[0][r].first, top + kGap, kGap, margin - 2 * kGap);
      top += row_height[r] + kGap;
    }
  }
  return canvas;
}

}  // namespace melrecon::eval

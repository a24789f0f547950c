// PNG reading and the 8-bit previews: round trips, colour to luma, 16-bit, errors.
#include "io/png.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <fstream>
#include <vector>

#include "core/config.h"
#include "core/error.h"
#include "support/expect_error.h"
#include "support/test_support.h"

#if MELRECON_HAVE_PNG
#include <png.h>
#endif

namespace melrecon::io {
namespace {

#if MELRECON_HAVE_PNG

// Writes `pixels` (row-major, `format`'s channels, 8 or 16 bits) with libpng's simplified API.
template <typename T>
void write_with_libpng(const std::string& path, int width, int height, png_uint_32 format,
                       const std::vector<T>& pixels) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = width;
  image.height = height;
  image.format = format;
  ASSERT_NE(png_image_write_to_file(&image, path.c_str(), 0, pixels.data(), 0, nullptr), 0)
      << image.message;
}

TEST(Png, GrayRoundTripIsExactToEightBits) {
  const std::string path = test_support::temp_dir("png_gray") + "/ramp.png";
  const at::Tensor ramp = at::arange(256, at::kFloat).reshape({16, 16}) / 255.0;
  write_png(path, ramp);
  const at::Tensor back = read_png(path);
  ASSERT_EQ(back.sizes(), (std::vector<int64_t>{16, 16}));
  EXPECT_LT((back - ramp).abs().max().item<double>(), 1e-6);
}

TEST(Png, ColourBecomesLuma) {
  const std::string path = test_support::temp_dir("png_rgb") + "/rgb.png";
  // One pixel each: red, green, blue, white.
  write_with_libpng<uint8_t>(path, 4, 1, PNG_FORMAT_RGB,
                             {255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255});
  const at::Tensor y = read_png(path);
  EXPECT_NEAR(y[0][0].item<double>(), 0.299, 1e-6);
  EXPECT_NEAR(y[0][1].item<double>(), 0.587, 1e-6);
  EXPECT_NEAR(y[0][2].item<double>(), 0.114, 1e-6);
  EXPECT_NEAR(y[0][3].item<double>(), 1.0, 1e-6);
}

TEST(Png, SixteenBitGrayKeepsItsPrecision) {
  const std::string path = test_support::temp_dir("png_16") + "/deep.png";
  const std::vector<uint16_t> values = {0, 1, 32767, 40000, 65534, 65535};
  write_with_libpng<uint16_t>(path, 6, 1, PNG_FORMAT_LINEAR_Y, values);
  const at::Tensor y = read_png(path);
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_NEAR(y[0][i].item<double>(), values[i] / 65535.0, 1e-7) << values[i];
  }
}

TEST(Png, PreviewWindowsTheMagnitude) {
  const std::string path = test_support::temp_dir("png_preview") + "/p.png";
  // |x| = 0, 1, 2, 3 with a phase: window [1, 3] maps to 0, 0, 0.5, 1.
  const at::Tensor x =
      at::polar(at::tensor({0.0f, 1.0f, 2.0f, 3.0f}), at::tensor({0.f, 1.f, 2.f, 3.f}))
          .reshape({2, 2});
  write_png_preview(path, x, {1.0, 3.0});
  const at::Tensor p = read_png(path).flatten();
  EXPECT_NEAR(p[0].item<double>(), 0.0, 1e-6);
  EXPECT_NEAR(p[1].item<double>(), 0.0, 1e-6);
  EXPECT_NEAR(p[2].item<double>(), 128.0 / 255.0, 1e-6);
  EXPECT_NEAR(p[3].item<double>(), 1.0, 1e-6);
  write_png_preview(path, x);  // automatic window: the brightest pixel is white
  EXPECT_NEAR(read_png(path).max().item<double>(), 1.0, 1e-6);
}

void expect_png_error(const std::string& path, const std::string& what) {
  test_support::expect_error<core::Error>([&] { read_png(path); }, path, what);
}

TEST(Png, ErrorsNameTheFile) {
  const std::string dir = test_support::temp_dir("png_errors");
  expect_png_error(dir + "/missing.png", "cannot open");
  std::ofstream(dir + "/text.png") << "not an image at all";
  expect_png_error(dir + "/text.png", "not a PNG");
  write_png(dir + "/ok.png", test_support::random_complex({32, 32}, 6).abs().clamp_max(1));
  std::ifstream in(dir + "/ok.png", std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ofstream(dir + "/cut.png", std::ios::binary).write(bytes.data(), 60);
  expect_png_error(dir + "/cut.png", "corrupt PNG");
}

#else

TEST(Png, UnavailableWithoutLibpng) {
  EXPECT_FALSE(png_supported());
  EXPECT_THROW(read_png("x.png"), core::Error);
}

#endif

}  // namespace
}  // namespace melrecon::io

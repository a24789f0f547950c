#include "io/png.h"

#include <ATen/ATen.h>

#include <cstdio>
#include <vector>

#include "core/config.h"
#include "core/error.h"
#include "core/tensor_checks.h"
#include "io/atomic_file.h"

#if MELRECON_HAVE_PNG
#include <png.h>

#include <csetjmp>
#include <cstring>
#endif

namespace melrecon::io {

bool png_supported() { return MELRECON_HAVE_PNG != 0; }

void write_png_preview(const std::string& path, const at::Tensor& image, MagnitudeWindow window) {
  MELRECON_CHECK(image.dim() == 2, "{}: a preview needs an [H, W] image, found shape {}", path,
                 core::shape_string(image.sizes()));
  const at::Tensor magnitude = image.detach().to(at::kCPU).abs().to(at::kFloat);
  if (window.hi <= window.lo) {
    window.hi = at::quantile(magnitude.flatten(), 0.995).item<double>();
    if (window.hi <= window.lo) window.hi = window.lo + 1.0;  // a constant image: all black
  }
  write_png(path, (magnitude - window.lo) / (window.hi - window.lo));
}

#if MELRECON_HAVE_PNG
namespace {

struct ReadError {
  char message[256] = "";
};

void on_error(png_structp png, png_const_charp message) {
  auto* error = static_cast<ReadError*>(png_get_error_ptr(png));
  std::snprintf(error->message, sizeof(error->message), "%s", message);
  png_longjmp(png, 1);
}

void on_warning(png_structp, png_const_charp) {}

// Decodes into `pixels` (8 or 16 bits per sample, native order); no C++ object is created
// between setjmp and a possible longjmp, so a libpng error unwinds nothing but C state.
bool decode(FILE* file, ReadError& error, std::vector<uint8_t>& pixels, png_uint_32& width,
            png_uint_32& height, int& channels, int& bit_depth) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &error, on_error, on_warning);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (png == nullptr || info == nullptr) {
    std::snprintf(error.message, sizeof(error.message), "out of memory");
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  png_init_io(png, file);
  png_read_info(png, info);
  const int color = png_get_color_type(png, info);
  if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8) {
    png_set_expand_gray_1_2_4_to_8(png);
  }
  if (color & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(png);
  if (png_get_bit_depth(png, info) == 16) png_set_swap(png);  // to little-endian hosts' order
  png_read_update_info(png, info);
  width = png_get_image_width(png, info);
  height = png_get_image_height(png, info);
  channels = png_get_channels(png, info);
  bit_depth = png_get_bit_depth(png, info);
  const size_t row_bytes = png_get_rowbytes(png, info);
  pixels.resize(row_bytes * height);
  std::vector<png_bytep> rows(height);
  for (png_uint_32 y = 0; y < height; ++y) rows[y] = pixels.data() + y * row_bytes;
  png_read_image(png, rows.data());
  png_destroy_read_struct(&png, &info, nullptr);
  return true;
}

}  // namespace

at::Tensor read_png(const std::string& path) {
  FILE* file = std::fopen(path.c_str(), "rb");
  MELRECON_CHECK(file != nullptr, "{}: cannot open (missing file?)", path);
  png_byte signature[8] = {};
  const size_t got = std::fread(signature, 1, 8, file);
  if (got != 8 || png_sig_cmp(signature, 0, 8) != 0) {
    std::fclose(file);
    core::fail("{}: not a PNG file (bad signature)", path);
  }
  std::rewind(file);
  ReadError error;
  std::vector<uint8_t> pixels;
  png_uint_32 width = 0, height = 0;
  int channels = 0, bit_depth = 0;
  const bool ok = decode(file, error, pixels, width, height, channels, bit_depth);
  std::fclose(file);
  MELRECON_CHECK(ok, "{}: corrupt PNG ({})", path, error.message);
  const auto type = bit_depth == 16 ? at::kShort : at::kByte;
  const double full_scale = bit_depth == 16 ? 65535.0 : 255.0;
  at::Tensor samples = at::from_blob(pixels.data(), {height, width, channels}, type).to(at::kFloat);
  if (bit_depth == 16) samples = samples.remainder(65536.0);  // int16 read of uint16 values
  samples = samples / full_scale;
  if (channels >= 3) {
    const at::Tensor luma = at::tensor({0.299f, 0.587f, 0.114f});
    return (samples.narrow(2, 0, 3) * luma).sum(2);
  }
  return samples.select(2, 0).contiguous();
}

void write_png(const std::string& path, const at::Tensor& gray) {
  MELRECON_CHECK(gray.dim() == 2 && !gray.is_complex(),
                 "{}: write_png needs a real [H, W] image, found {} {}", path,
                 c10::toString(gray.scalar_type()), core::shape_string(gray.sizes()));
  const at::Tensor bytes = (gray.detach().to(at::kCPU, at::kFloat).clamp(0, 1) * 255.0)
                               .round()
                               .to(at::kByte)
                               .contiguous();
  png_image image;
  std::memset(&image, 0, sizeof(image));
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(gray.size(1));
  image.height = static_cast<png_uint_32>(gray.size(0));
  image.format = PNG_FORMAT_GRAY;
  png_alloc_size_t size = 0;
  MELRECON_CHECK(png_image_write_get_memory_size(image, size, 0, bytes.data_ptr(), 0, nullptr) != 0,
                 "{}: cannot encode PNG ({})", path, image.message);
  std::vector<char> encoded(size);
  MELRECON_CHECK(png_image_write_to_memory(&image, encoded.data(), &size, 0, bytes.data_ptr(), 0,
                                           nullptr) != 0,
                 "{}: cannot encode PNG ({})", path, image.message);
  write_file_atomically(path, [&](std::ostream& out) { out.write(encoded.data(), size); });
}

#else

at::Tensor read_png(const std::string& path) {
  core::fail("{}: PNG support is not built in (libpng was not found when melrecon was configured)",
             path);
}

void write_png(const std::string& path, const at::Tensor&) {
  core::fail("{}: PNG support is not built in (libpng was not found when melrecon was configured)",
             path);
}

#endif

}  // namespace melrecon::io

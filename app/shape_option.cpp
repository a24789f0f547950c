#include "app/shape_option.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "core/error.h"

namespace melrecon::app {

std::vector<int64_t> parse_shape(const std::string& text, const std::string& option,
                                 int64_t min_size) {
  std::vector<int64_t> sizes;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t end = std::min(text.find_first_of(",x", pos), text.size());
    int64_t value = 0;
    const auto [last, ec] = std::from_chars(text.data() + pos, text.data() + end, value);
    if (end == pos || ec != std::errc() || last != text.data() + end || value < min_size ||
        value > kMaxAxisSize) {
      throw core::UsageError(
          fmt::format("{} '{}': expected sizes in [{}, {}] separated by commas, e.g. 96,128,128",
                      option, text, min_size, kMaxAxisSize));
    }
    sizes.push_back(value);
    pos = end + 1;
  }
  double voxels = 1;
  for (int64_t s : sizes) voxels *= static_cast<double>(std::max<int64_t>(s, 1));
  if (voxels > kMaxVoxels) {
    throw core::UsageError(
        fmt::format("{} '{}': {:g} voxels, more than the {:g} one example may have", option, text,
                    voxels, kMaxVoxels));
  }
  return sizes;
}

CLI::Option* add_tile_option(CLI::App& cmd, std::optional<std::vector<int64_t>>& tile) {
  return cmd.add_option_function<std::string>(
      "--tile", [&tile](const std::string& text) { tile = parse_shape(text, "--tile", 0); },
      "Run the CNN in overlapping tiles of these sizes, one per image axis, 0 = uncut (e.g. "
      "0,64,64): the same image in bounded memory (default: the trained model.tile)");
}

}  // namespace melrecon::app

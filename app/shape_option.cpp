#include "app/shape_option.h"

#include <fmt/format.h>

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
    if (end == pos || ec != std::errc() || last != text.data() + end || value < min_size) {
      throw core::UsageError(fmt::format(
          "{} '{}': expected sizes >= {} separated by commas, e.g. 96,128,128", option, text,
          min_size));
    }
    sizes.push_back(value);
    pos = end + 1;
  }
  return sizes;
}

}  // namespace melrecon::app

// A JSON value read into a C++ value with its type checked first, so that a wrong type is
// reported with the key and where it came from ("<origin>: 'model.unrolls' must be an integer,
// found 2.5"), never as the JSON library's own message.
#pragma once

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <vector>

#include "core/error.h"

namespace melrecon::io {

// T: bool, an arithmetic type, std::string, or a vector of int64_t or of strings.
template <typename T>
void read_json_value(const nlohmann::json& v, T& out, const std::string& origin,
                     const std::string& key) {
  try {
    if constexpr (std::is_same_v<T, std::vector<int64_t>> ||
                  std::is_same_v<T, std::vector<std::string>>) {
      constexpr bool integers = std::is_same_v<T, std::vector<int64_t>>;
      bool fits = v.is_array();
      for (const nlohmann::json& e : v)
        fits = fits && (integers ? e.is_number_integer() : e.is_string());
      MELRECON_CHECK(fits, "{}: '{}' must be a list of {}, found {}", origin, key,
                     integers ? "integers" : "strings", v.dump());
    } else if constexpr (std::is_same_v<T, bool>) {
      MELRECON_CHECK(v.is_boolean(), "{}: '{}' must be true or false, found {}", origin, key,
                     v.dump());
    } else if constexpr (std::is_arithmetic_v<T>) {
      constexpr const char* kind = std::is_integral_v<T> ? "an integer" : "a number";
      MELRECON_CHECK(v.is_number(), "{}: '{}' must be {}, found {}", origin, key, kind, v.dump());
      if constexpr (std::is_integral_v<T>) {
        // A float is read only when it holds a whole number in range (1e300 would overflow).
        const double d = v.get<double>();
        MELRECON_CHECK(v.is_number_integer() || (std::abs(d) < 9.2e18 && d == std::trunc(d)),
                       "{}: '{}' must be an integer, found {}", origin, key, v.dump());
      }
      if constexpr (std::is_unsigned_v<T>) {  // -1 would wrap to 2^64 - 1
        MELRECON_CHECK(v.get<double>() >= 0, "{}: '{}' must be 0 or more, found {}", origin, key,
                       v.dump());
      }
    } else {
      static_assert(std::is_same_v<T, std::string>, "read_json_value: unsupported type");
      MELRECON_CHECK(v.is_string(), "{}: '{}' must be a string, found {}", origin, key, v.dump());
    }
    out = v.get<T>();
  } catch (const nlohmann::json::exception& e) {
    core::fail("{}: '{}': {}", origin, key, e.what());
  }
}

}  // namespace melrecon::io

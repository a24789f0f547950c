// Number checks for options. CLI11's let "nan" through (every comparison with NaN is false):
// options that take real numbers add finite_number().
#pragma once

#include <CLI/CLI.hpp>
#include <cmath>
#include <string>

namespace melrecon::app {

inline CLI::Validator finite_number() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        try {
          if (std::isfinite(std::stod(text))) return "";
        } catch (const std::exception&) {
        }
        return "'" + text + "' is not a finite number";
      },
      "FINITE");
}

// CLI11's NonNegativeNumber and PositiveNumber state their range up to the largest double (309
// digits; "0 to ..." for a positive number). These say what is expected.
inline CLI::Validator sign_check(bool zero_allowed) {
  const std::string expected = zero_allowed ? "0 or more" : "above 0";
  return CLI::Validator(
      [zero_allowed, expected](std::string& text) -> std::string {
        try {
          const double v = std::stod(text);
          if (zero_allowed ? v >= 0 : v > 0) return "";
        } catch (const std::exception&) {
          return "'" + text + "' is not a number";
        }
        return "'" + text + "' is out of range, expected " + expected;
      },
      "NUMBER " + expected);
}

inline CLI::Validator non_negative_number() { return sign_check(true); }
inline CLI::Validator positive_number() { return sign_check(false); }

}  // namespace melrecon::app

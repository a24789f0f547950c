// CLI11's number checks let "nan" through (every comparison with NaN is false): options that
// take real numbers add this one.
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

}  // namespace melrecon::app

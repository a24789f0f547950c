// The one exception type melrecon throws for anything a user can cause (bad files, bad
// options, bad data). Its message is one line, naming the file or option and the problem.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace melrecon::core {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A wrong command line: `main` exits with 2 instead of 1.
class UsageError : public Error {
 public:
  using Error::Error;
};

// The first line of a library's message (LibTorch and HDF5 add backtraces and details).
inline std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
  throw Error(fmt::format(format, std::forward<Args>(args)...));
}

template <typename... Args>
void check(bool condition, fmt::format_string<Args...> format, Args&&... args) {
  if (!condition) throw Error(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace melrecon::core

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

// A user's error, checked: MELRECON_CHECK(condition, "format {}", args...). The arguments are
// evaluated only when the condition fails (after it: an argument may read state the condition
// just set, such as HDF5's error stack), so passing checks cost nothing on hot paths.
#define MELRECON_CHECK(condition, ...)                     \
  do {                                                     \
    if (!(condition)) ::melrecon::core::fail(__VA_ARGS__); \
  } while (0)

// A bug in melrecon, not the user's doing: says so, with the file and line.
class InternalError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

template <typename... Args>
[[noreturn]] void fail_internal(const char* file, int line, fmt::format_string<Args...> format,
                                Args&&... args) {
  throw InternalError(fmt::format("internal error (a bug in melrecon) at {}:{}: {}", file, line,
                                  fmt::format(format, std::forward<Args>(args)...)));
}

#define MELRECON_ASSERT(condition, ...)                                                 \
  do {                                                                                  \
    if (!(condition)) ::melrecon::core::fail_internal(__FILE__, __LINE__, __VA_ARGS__); \
  } while (0)

}  // namespace melrecon::core

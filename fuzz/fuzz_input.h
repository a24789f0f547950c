// What every fuzz target shares: the input written to a file (the readers take paths, as users
// give them), and the oracle: a reader may refuse its input only with melrecon's one-line
// core::Error naming the file; any other exception, a crash or a sanitizer report is a defect.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.h"

namespace melrecon::fuzz {

// A folder of this process for the inputs (libFuzzer forks no workers unless asked).
inline const std::string& work_dir() {
  static const std::string dir = [] {
    const auto d =
        std::filesystem::temp_directory_path() / ("melrecon-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d.string();
  }();
  return dir;
}

inline std::string write_input(const std::string& name, const uint8_t* data, size_t size) {
  const std::string path = work_dir() + "/" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

// Runs `read`; a core::Error must be one line naming `path`.
template <typename Read>
void expect_clean(const std::string& path, Read&& read) {
  try {
    read();
  } catch (const core::Error& e) {
    const std::string message = e.what();
    if (message.find('\n') != std::string::npos || message.find(path) == std::string::npos) {
      std::fprintf(stderr, "fuzz: error message is not one line naming %s: %s\n", path.c_str(),
                   message.c_str());
      std::abort();
    }
  }
}

}  // namespace melrecon::fuzz

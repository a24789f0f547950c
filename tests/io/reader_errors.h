// The readers' error contract, checked by their tests: `read` throws core::Error whose message
// is one line naming `path`. Returns the message for further checks.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "core/error.h"

namespace melrecon::test_support {

template <typename Read>
std::string reader_error(const std::string& path, Read read) {
  try {
    read();
  } catch (const core::Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    return message;
  }
  ADD_FAILURE() << "no error for " << path;
  return "";
}

}  // namespace melrecon::test_support

// The command line's error contract, checked by the command tests: exit code `code` and exactly
// one output line that names `file` and says `what`.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "support/test_support.h"

namespace melrecon::test_support {

inline void expect_one_line_error(const CommandResult& r, int code, const std::string& file,
                                  const std::string& what) {
  EXPECT_EQ(r.exit_code, code) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  EXPECT_NE(r.output.find(file), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(what), std::string::npos) << r.output;
}

}  // namespace melrecon::test_support

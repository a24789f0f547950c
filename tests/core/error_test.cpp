// MELRECON_CHECK evaluates its message's arguments only when the check fails, after the
// condition (so they may read state the condition set); MELRECON_ASSERT names a bug with its
// file and line.
#include "core/error.h"

#include <gtest/gtest.h>

#include <string>

namespace melrecon::core {
namespace {

TEST(Check, MessageArgumentsAreEvaluatedOnlyOnFailureAndAfterTheCondition) {
  int evaluated = 0;
  const auto counted = [&] { return ++evaluated; };
  MELRECON_CHECK(true, "never formatted {}", counted());
  EXPECT_EQ(evaluated, 0);

  std::string state = "before";
  const auto set_state = [&] {
    state = "set by the condition";
    return false;
  };
  try {
    MELRECON_CHECK(set_state(), "file.h5: failed ({})", state);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "file.h5: failed (set by the condition)");
  }
}

TEST(Check, AssertNamesABugWithItsFileAndLine) {
  try {
    MELRECON_ASSERT(1 + 1 == 3, "arithmetic says {}", 2);
    FAIL() << "expected an internal error";
  } catch (const InternalError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("internal error (a bug in melrecon) at "), std::string::npos) << message;
    EXPECT_NE(message.find("error_test.cpp:"), std::string::npos) << message;
    EXPECT_NE(message.find("arithmetic says 2"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace melrecon::core

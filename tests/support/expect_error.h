// Checks that an error is one line naming what the user has to look at (a file, an option).
#pragma once

#include <gtest/gtest.h>

#include <string>

namespace melrecon::test_support {

// `run()` throws `E` whose message contains `name` and `what` and no line break.
template <typename E, typename F>
void expect_error(F&& run, const std::string& name, const std::string& what) {
  try {
    run();
    ADD_FAILURE() << "no error; expected one naming '" << name << "' with '" << what << "'";
  } catch (const E& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(name), std::string::npos) << message;
    EXPECT_NE(message.find(what), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

}  // namespace melrecon::test_support

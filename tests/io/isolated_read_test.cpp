// A read in a child process returns its result whole (larger than a pipe's buffer), passes its
// error on as one line, and turns a crash of the reader, or a reader that does not finish in
// time, into an error naming what was read.
#include "io/isolated_read.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

#include "support/expect_error.h"

namespace melrecon::io {
namespace {

TEST(IsolatedRead, ReturnsTheWholeResult) {
  std::string text(200000, 'x');
  for (size_t i = 0; i < text.size(); i += 7) text[i] = static_cast<char>('a' + i % 26);
  EXPECT_EQ(read_isolated([&] { return text; }, "file.h5: 'header'"), text);
  EXPECT_EQ(read_isolated([] { return std::string(); }, "file.h5: 'header'"), "");
}

TEST(IsolatedRead, TheReadersErrorIsPassedOn) {
  test_support::expect_error<std::exception>(
      [] {
        read_isolated([]() -> std::string { throw std::runtime_error("file.h5: cannot read"); },
                      "file.h5: 'header'");
      },
      "file.h5", "cannot read");
}

TEST(IsolatedRead, ACrashOfTheReaderIsAnErrorNamingWhatWasRead) {
  test_support::expect_error<std::exception>(
      [] {
        read_isolated(
            []() -> std::string {
              ::kill(::getpid(), SIGKILL);  // as a wild read would end it
              return "never";
            },
            "file.h5: 'ismrmrd_header'");
      },
      "file.h5: 'ismrmrd_header'", "damaged, the reader crashed on it (Killed)");
}

TEST(IsolatedRead, AReaderThatDoesNotFinishIsStoppedAtTheLimit) {
  test_support::expect_error<std::exception>(
      [] {
        read_isolated(
            []() -> std::string {
              ::sleep(60);  // as a reader looping on a damaged file
              return "never";
            },
            "file.h5: 'ismrmrd_header'", 1);
      },
      "file.h5: 'ismrmrd_header'", "did not finish within 1 s");
}

}  // namespace
}  // namespace melrecon::io

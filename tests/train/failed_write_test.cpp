// A run's log and TensorBoard writes that fail (a full disk, a file-size quota) stop the run with
// the path and the OS error instead of going on with a cut log. The failure comes from a real
// limit: RLIMIT_FSIZE makes write(2) fail with EFBIG past the given size.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <string>

#include "support/test_support.h"
#include "train/run_log.h"
#include "train/tensorboard_writer.h"

namespace melrecon::train {
namespace {

// Files written by this process may not grow past `bytes` while it lives (SIGXFSZ ignored, so
// writes fail with EFBIG instead of killing the process).
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &saved_);
    previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    EXPECT_EQ(setrlimit(RLIMIT_FSIZE, &limit), 0);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previous_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit saved_{};
  void (*previous_handler_)(int) = nullptr;
};

// Calls `write` until it throws (at most 1000 times); returns the message, empty if it never did.
template <typename Write>
std::string first_failure(Write write) {
  for (int i = 0; i < 1000; ++i) {
    try {
      write(i);
    } catch (const std::exception& e) {
      return e.what();
    }
  }
  return "";
}

TEST(FailedWrite, TheRunLogStopsWithItsPathAndTheSystemError) {
  const std::string path = test_support::temp_dir("failed_write_log") + "/log.jsonl";
  std::string message;
  {
    RunLog log(path, -1);
    FileSizeLimit limit(1024);
    message = first_failure([&](int step) { log.write({{"step", step}, {"loss", 0.25}}); });
  }
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("File too large"), std::string::npos) << message;
}

TEST(FailedWrite, TensorBoardStopsWithItsPathAndTheSystemError) {
  const std::string dir = test_support::temp_dir("failed_write_tensorboard");
  std::string message, path;
  {
    TensorBoardWriter writer(dir);
    path = writer.path();
    FileSizeLimit limit(1024);
    message = first_failure([&](int step) { writer.add_scalar("train/loss", 0.25, step); });
  }
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("File too large"), std::string::npos) << message;
}

}  // namespace
}  // namespace melrecon::train

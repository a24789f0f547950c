// The run's JSON-lines log (log.jsonl): one object per training step and per validation,
// flushed line by line so that a killed run's log is complete up to its last step. On resume,
// lines after the checkpoint's step are dropped so the log describes one consistent run.
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace melrecon::train {

class RunLog {
 public:
  // Opens `path` for appending; keeps only the lines whose "step" is <= keep_through_step
  // (all lines when it is negative).
  RunLog(const std::string& path, int64_t keep_through_step);
  void write(const nlohmann::json& record);

 private:
  std::string path_;
  std::ofstream out_;
};

}  // namespace melrecon::train

#include "train/run_log.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "core/error.h"
#include "io/atomic_file.h"

namespace melrecon::train {

RunLog::RunLog(const std::string& path, int64_t keep_through_step) : path_(path) {
  if (keep_through_step >= 0 && std::filesystem::exists(path)) {
    std::ifstream in(path);
    std::ostringstream kept;
    std::string line;
    while (std::getline(in, line)) {
      const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (j.is_object() && j.value("step", int64_t{0}) <= keep_through_step) kept << line << "\n";
    }
    io::write_file_atomically(path, [&](std::ostream& out) { out << kept.str(); });
  }
  out_.open(path, std::ios::app);
  MELRECON_CHECK(out_.good(), "{}: cannot open the run log for writing", path);
}

void RunLog::write(const nlohmann::json& record) {
  out_ << record.dump() << "\n";
  out_.flush();
  MELRECON_CHECK(out_.good(), "{}: cannot write the run log ({})", path_, std::strerror(errno));
}

}  // namespace melrecon::train

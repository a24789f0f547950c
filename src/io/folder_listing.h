// The files of one kind in a folder, for commands that take "a file or a folder of files".
#pragma once

#include <string>
#include <vector>

namespace melrecon::io {

// The regular files directly in `dir` whose extension is `extension` (e.g. ".h5"), sorted by
// name (a stable case order); an error naming `dir` when it cannot be listed.
std::vector<std::string> files_in(const std::string& dir, const std::string& extension);

}  // namespace melrecon::io

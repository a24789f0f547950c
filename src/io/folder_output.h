// Writing an output folder (a dataset) as a whole: a reader never sees a mix of an old and a new
// dataset, and a failed or killed run leaves the old one as it was.
#pragma once

#include <functional>
#include <string>

namespace melrecon::io {

// Calls `fill(tmp)` to write the folder's contents into "<dir>.tmp.<pid>" beside `dir`, then
// puts it in place of `dir` in one rename (an existing `dir` is swapped out atomically and then
// removed). A non-empty `dir` is refused unless `overwrite`; `dir` being a file is refused.
// When `fill` fails the temporary folder is removed and the error passes on. Temporary folders
// left by killed runs (their process gone) are removed first.
void write_folder_atomically(const std::string& dir, bool overwrite,
                             const std::function<void(const std::string& tmp)>& fill);

}  // namespace melrecon::io

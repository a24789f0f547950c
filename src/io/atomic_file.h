// Writing files so that a reader (or a resumed run after a crash) never sees half of one:
// write to "<path>.tmp.<pid>", fsync, rename over <path>, fsync the directory.
#pragma once

#include <functional>
#include <ostream>
#include <string>

namespace melrecon::io {

// `write` fills the stream; errors (also from the file system: a full disk) name `path`, and
// leave no temporary file.
void write_file_atomically(const std::string& path,
                           const std::function<void(std::ostream&)>& write);

// Removes "<path>.tmp.<pid>" files and folders whose process no longer runs: what a killed
// writer left.
void remove_stale_temporaries(const std::string& path);

}  // namespace melrecon::io

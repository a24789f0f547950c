// Reading through a library that may crash on a damaged file: HDF5 1.10 follows a variable-
// length string's global-heap reference without checking it and can read wild memory (a SEGV in
// H5HG_read, overlapping copies in H5Dread), which no error handler catches. Such a read runs in
// a forked child process; its crash, or its not finishing in time (a reader stuck on a damaged
// file), becomes a one-line error naming what was read.
#pragma once

#include <functional>
#include <string>

namespace melrecon::io {

// `read()` in a child process; its result, or an error naming `what`: the child's own error
// message when `read` threw, the signal when it crashed, the limit when it did not finish. The
// child does nothing else (no LibTorch, no output), so forking a multi-threaded process is safe for
// it.
std::string read_isolated(const std::function<std::string()>& read, const std::string& what,
                          int limit_seconds = 15);

}  // namespace melrecon::io

// BART .hdr/.cfl: the input is a header, a NUL byte, then the data file's bytes; read in every
// role and kind.
#include <cstring>

#include "fuzz_input.h"
#include "io/bart_layout.h"

using namespace melrecon;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto* split = static_cast<const uint8_t*>(std::memchr(data, 0, size));
  const size_t header = split ? static_cast<size_t>(split - data) : size;
  fuzz::write_input("x.hdr", data, header);
  const std::string cfl =
      fuzz::write_input("x.cfl", split ? split + 1 : data, split ? size - header - 1 : 0);
  const std::string base = fuzz::work_dir() + "/x";
  for (io::Role role : {io::Role::kspace, io::Role::maps, io::Role::image, io::Role::mask}) {
    for (io::DataKind kind : {io::DataKind::image2d, io::DataKind::volume3d, io::DataKind::cine}) {
      fuzz::expect_clean(base, [&] { io::read_bart(base, role, kind); });
    }
  }
  return 0;
}

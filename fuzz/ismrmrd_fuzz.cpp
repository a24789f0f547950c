// ISMRMRD HDF5: header, acquisitions, the Cartesian k-space they fill.
#include "fuzz_input.h"
#include "io/ismrmrd_h5.h"

using namespace melrecon;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_input("x.h5", data, size);
  fuzz::expect_clean(path, [&] { io::read_ismrmrd(path); });
  return 0;
}

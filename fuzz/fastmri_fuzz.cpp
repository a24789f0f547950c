// fastMRI multicoil HDF5: the file, its first slice, header and RSS reconstruction.
#include "fuzz_input.h"
#include "io/fastmri_h5.h"

using namespace melrecon;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_input("x.h5", data, size);
  fuzz::expect_clean(path, [&] {
    const io::FastmriFile file(path);
    file.read_slice(0);
    file.ismrmrd_header();
    file.reconstruction_rss();
  });
  return 0;
}

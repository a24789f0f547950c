// NIfTI-1, plain (.nii) or gzip-compressed (.nii.gz) as the first byte chooses.
#include "fuzz_input.h"
#include "io/nifti.h"

using namespace melrecon;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string path =
      fuzz::write_input(data[0] & 1 ? "x.nii.gz" : "x.nii", data + 1, size - 1);
  fuzz::expect_clean(path, [&] { io::read_nifti(path); });
  return 0;
}

// PNG images (simulate's --source).
#include "fuzz_input.h"
#include "io/png.h"

using namespace melrecon;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_input("x.png", data, size);
  fuzz::expect_clean(path, [&] { io::read_png(path); });
  return 0;
}

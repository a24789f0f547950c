// checkpoint.pt: the training state, and the weights into the model its configuration builds.
#include "eval/trained_model.h"
#include "fuzz_input.h"
#include "train/checkpoint.h"

using namespace melrecon;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_input("checkpoint.pt", data, size);
  fuzz::expect_clean(path, [&] { train::read_checkpoint_state(path); });
  fuzz::expect_clean(path, [&] { eval::load_trained_model(path, c10::kCPU); });
  return 0;
}

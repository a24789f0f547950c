// JSON the user writes: a dataset folder's dataset.json and a training configuration file.
#include <filesystem>

#include "fuzz_input.h"
#include "io/dataset.h"
#include "train/train_config.h"

using namespace melrecon;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string dir = fuzz::work_dir() + "/dataset";
  std::filesystem::create_directories(dir);
  const std::string info = fuzz::write_input("dataset/dataset.json", data, size);
  fuzz::expect_clean(dir, [&] { io::read_dataset_info(dir); });
  const std::string config = fuzz::write_input("config.json", data, size);
  fuzz::expect_clean(config, [&] { train::load_config(config, {}); });
  return 0;
}

#include "train/tensorboard_writer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "support/test_support.h"

namespace melrecon::train {
namespace {

uint32_t unmask(uint32_t masked) {
  const uint32_t rot = masked - 0xa282ead8u;
  return (rot >> 17) | (rot << 15);
}

TEST(TensorBoard, Crc32cKnownValue) {
  const char* text = "123456789";
  EXPECT_EQ(crc32c(text, std::strlen(text)), 0xE3069283u);  // the CRC-32C check value
}

TEST(TensorBoard, RecordsAreFramedAndCarryTheScalar) {
  const std::string dir = test_support::temp_dir("tensorboard");
  std::string path;
  {
    TensorBoardWriter w(dir);
    w.add_scalar("val/psnr", 31.5, 42);
    path = w.path();
  }
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t pos = 0;
  std::vector<std::string> payloads;
  while (pos < bytes.size()) {
    uint64_t length;
    uint32_t length_crc, data_crc;
    std::memcpy(&length, bytes.data() + pos, 8);
    std::memcpy(&length_crc, bytes.data() + pos + 8, 4);
    EXPECT_EQ(unmask(length_crc), crc32c(bytes.data() + pos, 8));
    const std::string payload = bytes.substr(pos + 12, length);
    std::memcpy(&data_crc, bytes.data() + pos + 12 + length, 4);
    EXPECT_EQ(unmask(data_crc), crc32c(payload.data(), payload.size()));
    payloads.push_back(payload);
    pos += 12 + length + 4;
  }
  ASSERT_EQ(payloads.size(), 2u);
  EXPECT_NE(payloads[0].find("brain.Event:2"), std::string::npos);
  // The scalar event holds the tag, step 42 (field 2 varint: 0x10 0x2a) and 31.5f.
  const std::string& e = payloads[1];
  EXPECT_NE(e.find("val/psnr"), std::string::npos);
  EXPECT_NE(e.find(std::string("\x10\x2a", 2)), std::string::npos);
  float value = 31.5f;
  EXPECT_NE(e.find(std::string("\x15", 1) + std::string(reinterpret_cast<char*>(&value), 4)),
            std::string::npos);
}

}  // namespace
}  // namespace melrecon::train

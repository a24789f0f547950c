// TensorBoard scalar event files (events.out.tfevents.<time>.<host>): TFRecord framing
// (length, masked CRC-32C of the length, payload, masked CRC-32C of the payload) around
// hand-encoded `Event` protocol buffers holding `Summary` scalar values, so TensorBoard can
// plot a run without any TensorFlow or protobuf dependency.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>

namespace melrecon::train {

uint32_t crc32c(const void* data, size_t size);

class TensorBoardWriter {
 public:
  explicit TensorBoardWriter(const std::string& dir);
  void add_scalar(const std::string& tag, double value, int64_t step);
  const std::string& path() const { return path_; }

 private:
  void write_record(const std::string& payload);
  std::string path_;
  std::ofstream out_;
};

}  // namespace melrecon::train

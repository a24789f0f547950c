#include "train/tensorboard_writer.h"

#include <unistd.h>

#include <array>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "core/error.h"

namespace melrecon::train {
namespace {

std::array<uint32_t, 256> make_crc_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0x82F63B78u ^ (c >> 1) : c >> 1;  // Castagnoli
    table[i] = c;
  }
  return table;
}

uint32_t masked_crc(const void* data, size_t size) {
  const uint32_t crc = crc32c(data, size);
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

template <typename T>
void put_fixed(std::string& out, T v) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &v, sizeof(T));  // little-endian hosts (x86-64, aarch64)
  out.append(bytes, sizeof(T));
}

void put_bytes_field(std::string& out, int field, const std::string& bytes) {
  put_varint(out, (static_cast<uint64_t>(field) << 3) | 2);
  put_varint(out, bytes.size());
  out += bytes;
}

double wall_time() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Event { double wall_time = 1; int64 step = 2; oneof { string file_version = 3;
//         Summary summary = 5; } }
std::string event(int64_t step, int field, const std::string& bytes) {
  std::string e;
  put_varint(e, (1 << 3) | 1);
  put_fixed<double>(e, wall_time());
  put_varint(e, (2 << 3) | 0);
  put_varint(e, static_cast<uint64_t>(step));
  put_bytes_field(e, field, bytes);
  return e;
}

}  // namespace

uint32_t crc32c(const void* data, size_t size) {
  static const std::array<uint32_t, 256> table = make_crc_table();
  uint32_t crc = 0xFFFFFFFFu;
  const auto* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < size; ++i) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

TensorBoardWriter::TensorBoardWriter(const std::string& dir) {
  std::filesystem::create_directories(dir);
  char host[256] = "host";
  gethostname(host, sizeof(host) - 1);
  path_ =
      (std::filesystem::path(dir) /
       ("events.out.tfevents." + std::to_string(static_cast<int64_t>(wall_time())) + "." + host))
          .string();
  out_.open(path_, std::ios::binary | std::ios::app);
  MELRECON_CHECK(out_.good(), "{}: cannot open the TensorBoard event file", path_);
  write_record(event(0, 3, "brain.Event:2"));
}

void TensorBoardWriter::add_scalar(const std::string& tag, double value, int64_t step) {
  // Summary { repeated Value value = 1; }  Value { string tag = 1; float simple_value = 2; }
  std::string v;
  put_bytes_field(v, 1, tag);
  put_varint(v, (2 << 3) | 5);
  put_fixed<float>(v, static_cast<float>(value));
  std::string summary;
  put_bytes_field(summary, 1, v);
  write_record(event(step, 5, summary));
}

void TensorBoardWriter::write_record(const std::string& payload) {
  std::string header;
  put_fixed<uint64_t>(header, payload.size());
  std::string record = header;
  put_fixed<uint32_t>(record, masked_crc(header.data(), header.size()));
  record += payload;
  put_fixed<uint32_t>(record, masked_crc(payload.data(), payload.size()));
  out_.write(record.data(), static_cast<std::streamsize>(record.size()));
  out_.flush();
  MELRECON_CHECK(out_.good(), "{}: cannot write the TensorBoard event file ({})", path_,
                 std::strerror(errno));
}

}  // namespace melrecon::train

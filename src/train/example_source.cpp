#include "train/example_source.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "calib/coil_maps.h"
#include "core/error.h"
#include "io/cfl.h"
#include "mri/sense_op.h"

namespace melrecon::train {
namespace {

int64_t bytes_of(const io::CaseData& c) {
  int64_t n = 0;
  for (const at::Tensor* t : {&c.kspace, &c.maps, &c.reference, &c.mask}) {
    if (t->defined()) n += t->numel() * t->element_size();
  }
  return n;
}

calib::Kind calib_kind(io::DataKind kind) {
  switch (kind) {
    case io::DataKind::image2d: return calib::Kind::image2d;
    case io::DataKind::volume3d: return calib::Kind::volume3d;
    case io::DataKind::cine: return calib::Kind::cine;
  }
  return calib::Kind::image2d;
}

at::Tensor batch_entry(const at::Tensor& t, int64_t b) {
  if (!t.defined()) return t;
  return t.size(0) == 1 ? t : t.narrow(0, b, 1);
}

}  // namespace

ExampleSource::ExampleSource(std::string dir, int64_t cache_bytes)
    : dir_(std::move(dir)), info_(io::read_dataset_info(dir_)), cache_bytes_(cache_bytes) {
  for (const auto& name : info_.cases) {
    const std::string kspace = (std::filesystem::path(dir_) / name / "kspace").string();
    const auto dims = io::read_cfl_dims(kspace);
    batch_sizes_.push_back(dims[13] * dims[15]);  // SLICE or BATCH (at most one is > 1)
  }
}

std::vector<int64_t> ExampleSource::spatial_shape() const {
  const auto dims = io::read_cfl_dims((std::filesystem::path(dir_) / info_.cases[0] / "kspace").string());
  switch (info_.kind) {
    case io::DataKind::image2d: return {dims[1], dims[0]};
    case io::DataKind::volume3d: return {dims[2], dims[1], dims[0]};
    case io::DataKind::cine: return {dims[10], dims[1], dims[0]};
  }
  return {};
}

std::vector<ExampleRef> ExampleSource::examples(const std::vector<int64_t>& cases) const {
  std::vector<ExampleRef> refs;
  for (int64_t c : cases) {
    for (int64_t b = 0; b < batch_sizes_.at(c); ++b) refs.push_back({c, b});
  }
  return refs;
}

const io::CaseData& ExampleSource::case_data(int64_t index) {
  auto it = cache_.find(index);
  if (it != cache_.end()) {
    recent_.remove(index);
    recent_.push_back(index);
    return it->second;
  }
  const std::string& name = info_.cases.at(index);
  io::CaseData c = io::read_case(dir_, name, info_.kind);
  if (!c.maps.defined()) {
    c.maps = calib::estimate_coil_maps(c.kspace, calib_kind(info_.kind), calib::CoilMapOptions());
    io::write_case_maps(dir_, name, c.maps, info_.kind);  // computed once, reused next time
  }
  if (!c.reference.defined()) {
    c.reference = mri::SenseOp(c.maps, {}, mri::SenseOptions().fft_axes(info_.fft_axes)).adjoint(c.kspace);
  }
  int64_t used = bytes_of(c);
  for (const auto& [i, data] : cache_) used += bytes_of(data);
  while (!recent_.empty() && used > cache_bytes_) {
    used -= bytes_of(cache_.at(recent_.front()));
    cache_.erase(recent_.front());
    recent_.pop_front();
  }
  recent_.push_back(index);
  return cache_[index] = std::move(c);
}

LoadedExample ExampleSource::load(const ExampleRef& ref) {
  const io::CaseData& c = case_data(ref.case_index);
  LoadedExample e;
  e.kspace = batch_entry(c.kspace, ref.batch_index);
  e.maps = batch_entry(c.maps, ref.batch_index);
  e.reference = batch_entry(c.reference, ref.batch_index);
  e.mask = batch_entry(c.mask, ref.batch_index);
  e.name = info_.cases.at(ref.case_index) + "[" + std::to_string(ref.batch_index) + "]";
  return e;
}

std::pair<std::vector<int64_t>, std::vector<int64_t>> split_cases(int64_t n, double val_fraction) {
  int64_t val = 0;
  if (val_fraction > 0 && n > 1) {
    val = std::clamp<int64_t>(std::llround(val_fraction * n), 1, n - 1);
  }
  std::vector<int64_t> train, validation;
  for (int64_t i = 0; i < n; ++i) (i < n - val ? train : validation).push_back(i);
  return {train, validation};
}

}  // namespace melrecon::train

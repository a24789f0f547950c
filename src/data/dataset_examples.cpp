#include "data/dataset_examples.h"

#include <filesystem>

#include "core/error.h"
#include "data/case_completion.h"
#include "io/cfl.h"
#include "io/dataset.h"

namespace melrecon::data {
namespace {

// *S of a case from its k-space's BART dimensions.
std::vector<int64_t> spatial_shape_of(const std::vector<int64_t>& dims, io::DataKind kind) {
  switch (kind) {
    case io::DataKind::image2d:
      return {dims[1], dims[0]};
    case io::DataKind::volume3d:
      return {dims[2], dims[1], dims[0]};
    case io::DataKind::cine:
      return {dims[10], dims[1], dims[0]};
  }
  return {};
}

// Kind, cases and their sizes from dataset.json and the k-space headers (no data is read).
SourceIndex dataset_index(const std::string& dir) {
  const io::DatasetInfo info = io::read_dataset_info(dir);
  SourceIndex index{info.kind, info.fft_axes, info.cases, {}, {}};
  for (const auto& name : info.cases) {
    const std::string kspace = (std::filesystem::path(dir) / name / "kspace").string();
    const auto dims = io::read_cfl_dims(kspace);
    // The axes must be what dataset.json says: 2D files under a 3D or cine kind would be read
    // as single-slice volumes (or one-frame series) and fail later on an unrelated check.
    const io::DataKind seen = io::infer_kind(dims, kspace + ".hdr");
    MELRECON_CHECK(seen == info.kind, "{}/dataset.json: kind '{}', but {}.hdr holds {} data", dir,
                   core::choice_name(info.kind), kspace, core::choice_name(seen));
    index.case_sizes.push_back(dims[13] * dims[15]);  // SLICE or BATCH (at most one is > 1)
    if (index.spatial_shape.empty()) index.spatial_shape = spatial_shape_of(dims, info.kind);
  }
  return index;
}

at::Tensor batch_entry(const at::Tensor& t, int64_t b) {
  if (!t.defined()) return t;
  return t.size(0) == 1 ? t : t.narrow(0, b, 1);
}

}  // namespace

DatasetExamples::DatasetExamples(const std::string& dir, int64_t cache_bytes)
    : ExampleBackend(dataset_index(dir)), dir_(dir), cache_(cache_bytes), maps_(dir) {}

LoadedExample DatasetExamples::load(const ExampleRef& ref) {
  const SourceIndex& ix = index();
  const std::string& name = ix.cases.at(ref.case_index);
  const io::CaseData& c = cache_.get({ref.case_index, 0}, [&] {
    io::CaseData data = io::read_case(dir_, name, ix.kind);
    // Estimated maps go to the map cache, never into the dataset (reading never writes it).
    if (!data.maps.defined()) data.maps = maps_.find(name, ix.kind, data.kspace.sizes());
    complete_case(data, ix.kind, ix.fft_axes,
                  [&](const at::Tensor& maps) { maps_.store(name, ix.kind, maps); });
    return data;
  });
  return {batch_entry(c.kspace, ref.batch_index), batch_entry(c.maps, ref.batch_index),
          batch_entry(c.reference, ref.batch_index), batch_entry(c.mask, ref.batch_index),
          example_name(ref)};
}

}  // namespace melrecon::data

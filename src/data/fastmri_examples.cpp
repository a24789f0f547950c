#include "data/fastmri_examples.h"

#include <fmt/format.h>

#include <filesystem>

#include "core/tensor_checks.h"
#include "data/case_completion.h"
#include "io/dataset.h"
#include "io/fastmri_h5.h"

namespace melrecon::data {
namespace fs = std::filesystem;
namespace {

SourceIndex fastmri_index(const std::vector<std::string>& files) {
  SourceIndex index{io::DataKind::image2d, io::default_fft_axes(io::DataKind::image2d), {}, {}, {}};
  for (const auto& path : files) {
    const io::FastmriFile file(path);
    const std::vector<int64_t> shape = file.shape();  // [slices, C, Y, X]
    index.cases.push_back(fs::path(path).stem().string());
    index.case_sizes.push_back(shape[0]);
    if (index.spatial_shape.empty()) index.spatial_shape = {shape[2], shape[3]};
  }
  return index;
}

}  // namespace

FastmriExamples::FastmriExamples(const std::vector<std::string>& files, int64_t cache_bytes)
    : ExampleBackend(fastmri_index(files)),
      files_(files),
      maps_(fs::absolute(files.at(0)).parent_path().string()),
      cache_(cache_bytes) {}

io::CaseData FastmriExamples::read_slice(const ExampleRef& ref) const {
  const std::string& path = files_.at(ref.case_index);
  const std::string& stem = index().cases.at(ref.case_index);
  io::CaseData c;
  c.kspace = io::FastmriFile(path).read_slice(ref.batch_index);
  core::check_finite(c.kspace, fmt::format("{}: 'kspace' slice {}", path, ref.batch_index));
  const std::string key = fmt::format("{}/slice_{:04d}", stem, ref.batch_index);
  c.maps = maps_.find(key, io::DataKind::image2d, c.kspace.sizes());
  complete_case(c, index().kind, index().fft_axes,
                [&](const at::Tensor& maps) { maps_.store(key, io::DataKind::image2d, maps); });
  return c;
}

LoadedExample FastmriExamples::load(const ExampleRef& ref) {
  const io::CaseData& c =
      cache_.get({ref.case_index, ref.batch_index}, [&] { return read_slice(ref); });
  return {c.kspace, c.maps, c.reference, {}, example_name(ref)};
}

}  // namespace melrecon::data

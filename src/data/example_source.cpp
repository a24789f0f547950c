#include "data/example_source.h"

#include <cmath>
#include <filesystem>
#include <memory>

#include "core/config.h"
#include "core/error.h"
#include "data/dataset_examples.h"
#include "data/example_backend.h"
#include "io/dataset.h"
#include "io/folder_listing.h"

#if MELRECON_HAVE_HDF5
#include "data/fastmri_examples.h"
#endif

namespace melrecon::data {
namespace fs = std::filesystem;
namespace {

std::unique_ptr<ExampleBackend> fastmri_backend(const std::vector<std::string>& files,
                                                int64_t cache_bytes) {
#if MELRECON_HAVE_HDF5
  return std::make_unique<FastmriExamples>(files, cache_bytes);
#else
  core::fail("{}: fastMRI files cannot be read by this build (melrecon was built without HDF5)",
             files.at(0));
#endif
}

// A file, or a path named *.h5: fastMRI (so a mistyped file name is reported as a missing
// file). A folder: a dataset with dataset.json, else its .h5 files. Anything else is taken for
// a dataset folder, whose reader names the missing dataset.json.
std::unique_ptr<ExampleBackend> open_backend(const std::string& path, int64_t cache_bytes) {
  const fs::path p(path);
  if (fs::is_regular_file(p) || (!fs::exists(p) && p.extension() == ".h5")) {
    return fastmri_backend({path}, cache_bytes);
  }
  if (fs::is_directory(p) && !fs::exists(p / io::kDatasetIndex)) {
    const std::vector<std::string> files = io::files_in(path, ".h5");
    MELRECON_CHECK(!files.empty(),
                   "{}: neither a melrecon dataset (no dataset.json) nor a folder of fastMRI files "
                   "(no .h5 files)",
                   path);
    return fastmri_backend(files, cache_bytes);
  }
  return std::make_unique<DatasetExamples>(path, cache_bytes);
}

}  // namespace

ExampleSource::ExampleSource(const std::string& path, int64_t cache_bytes)
    : backend_(open_backend(path, cache_bytes)) {}

ExampleSource::~ExampleSource() = default;
ExampleSource::ExampleSource(ExampleSource&&) noexcept = default;
ExampleSource& ExampleSource::operator=(ExampleSource&&) noexcept = default;

io::DataKind ExampleSource::kind() const { return backend_->index().kind; }
const std::vector<int64_t>& ExampleSource::fft_axes() const { return backend_->index().fft_axes; }
const std::vector<std::string>& ExampleSource::case_names() const {
  return backend_->index().cases;
}
std::vector<int64_t> ExampleSource::spatial_shape() const {
  return backend_->index().spatial_shape;
}

std::vector<ExampleRef> ExampleSource::examples(const std::vector<int64_t>& cases) const {
  std::vector<ExampleRef> refs;
  for (int64_t c : cases) {
    for (int64_t b = 0; b < backend_->index().case_sizes.at(c); ++b) refs.push_back({c, b});
  }
  return refs;
}

LoadedExample ExampleSource::load(const ExampleRef& ref) { return backend_->load(ref); }

std::pair<std::vector<int64_t>, std::vector<int64_t>> split_cases(int64_t n, double val_fraction) {
  int64_t val = 0;
  if (val_fraction > 0 && n > 1) {
    val = std::clamp<int64_t>(std::llround(val_fraction * n), 1, n - 1);
  }
  std::vector<int64_t> train, validation;
  for (int64_t i = 0; i < n; ++i) (i < n - val ? train : validation).push_back(i);
  return {train, validation};
}

}  // namespace melrecon::data

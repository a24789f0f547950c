#include "train/example_source.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "train/dataset_examples.h"
#include "train/example_backend.h"

namespace melrecon::train {

ExampleSource::ExampleSource(const std::string& path, int64_t cache_bytes)
    : backend_(std::make_unique<DatasetExamples>(path, cache_bytes)) {}

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

}  // namespace melrecon::train

#include "train/training_data.h"

#include <algorithm>

#include <numeric>

#include "core/choices.h"
#include "core/error.h"

namespace melrecon::train {

TrainingData open_training_data(const DataConfig& config) {
  TrainingData d;
  d.train = std::make_unique<data::ExampleSource>(config.train);
  auto [train_cases, val_cases] =
      data::split_cases(static_cast<int64_t>(d.train->case_names().size()),
                        config.val.empty() ? config.val_fraction : 0.0);
  d.train_examples = d.train->examples(train_cases);
  MELRECON_CHECK(!d.train_examples.empty(), "{}: no training examples", config.train);
  if (config.val.empty()) {
    d.val_examples = d.train->examples(val_cases);
  } else {
    d.separate_val = std::make_unique<data::ExampleSource>(config.val);
    MELRECON_CHECK(d.separate_val->kind() == d.kind(),
                   "{}: validation data is {}, training data is {}", config.val,
                   core::choice_name(d.separate_val->kind()), core::choice_name(d.kind()));
    std::vector<int64_t> all(d.separate_val->case_names().size());
    std::iota(all.begin(), all.end(), 0);
    d.val_examples = d.separate_val->examples(all);
  }
  if (config.val_examples > 0 &&
      static_cast<int64_t>(d.val_examples.size()) > config.val_examples) {
    d.val_examples.resize(config.val_examples);
  }
  return d;
}

std::vector<int64_t> TrainingData::example_shape(int64_t slab) const {
  std::vector<int64_t> shape = train->spatial_shape();
  if (slab > 0 && !shape.empty()) shape.back() = std::min(shape.back(), slab);
  return shape;
}

}  // namespace melrecon::train

// The examples a run trains and validates on: data.train's cases, split by case
// (data.val_fraction) unless data.val names a separate validation set, whose kind must then be
// the training data's; at most data.val_examples validation examples (0: all).
#pragma once

#include <memory>
#include <vector>

#include "data/example_source.h"
#include "train/train_config.h"

namespace melrecon::train {

struct TrainingData {
  std::unique_ptr<data::ExampleSource> train;
  std::unique_ptr<data::ExampleSource> separate_val;  // null: validation cases come from train
  std::vector<data::ExampleRef> train_examples;
  std::vector<data::ExampleRef> val_examples;

  io::DataKind kind() const { return train->kind(); }
  data::ExampleSource& val_source() { return separate_val ? *separate_val : *train; }
  // *S of a training example: the first case's, its readout (last axis) cut to `slab` if > 0.
  std::vector<int64_t> example_shape(int64_t slab) const;
};

// Errors name the path (unreadable data, no training examples, mismatched kinds).
TrainingData open_training_data(const DataConfig& config);

}  // namespace melrecon::train

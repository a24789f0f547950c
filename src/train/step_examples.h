// Which examples an optimiser step trains on, and how they become micro-batches. A step takes
// the next processes × batch × accumulate positions of the epochs' seeded permutations (so the
// data order is a function of run.seed alone); process r's share of micro-step m is the batch
// at offset (m · processes + r) · batch. Examples of the same shape are stacked into one
// problem; a micro-step of several shapes becomes several micro-batches.
#pragma once

#include <cstdint>
#include <vector>

#include "train/checkpoint.h"
#include "train/optimiser_step.h"
#include "train/prepared_example.h"

namespace melrecon::train {

struct DrawnExample {
  int64_t index = 0;  // into the training examples
  int64_t epoch = 0;  // the epoch it was drawn in (seeds its mask)
};

// The permutation of n examples for an epoch.
std::vector<int64_t> epoch_order(int64_t n, uint64_t seed, int64_t epoch);

// The next `count` examples; advances state's epoch, position and order.
std::vector<DrawnExample> draw_examples(TrainerState& state, int64_t n_train, uint64_t seed,
                                        int64_t count);

// Process `rank`'s examples of micro-step `micro` in a step drawn for `ranks` processes.
std::vector<DrawnExample> share_of(const std::vector<DrawnExample>& step, int64_t micro,
                                   int64_t rank, int64_t ranks, int64_t batch);

// Consecutive examples of equal shape as one batch (maps, masks, k-space and references stacked
// along B), loss `loss` weighted by the batch's share `examples / total` of the step.
std::vector<MicroBatch> stacked_micro_batches(const std::vector<PreparedExample>& examples,
                                              LossKind loss, int64_t total);

}  // namespace melrecon::train

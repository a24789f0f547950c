#include "train/step_examples.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "core/random.h"
#include "train/losses.h"

namespace melrecon::train {

std::vector<int64_t> epoch_order(int64_t n, uint64_t seed, int64_t epoch) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(
      core::derive_seed(seed, static_cast<uint64_t>(epoch)));
  const at::Tensor perm = at::randperm(n, gen, at::kLong);
  return {perm.data_ptr<int64_t>(), perm.data_ptr<int64_t>() + n};
}

std::vector<DrawnExample> draw_examples(TrainerState& state, int64_t n_train, uint64_t seed,
                                        int64_t count) {
  std::vector<DrawnExample> drawn;
  drawn.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    if (state.position >= n_train) {
      ++state.epoch;
      state.order = epoch_order(n_train, seed, state.epoch);
      state.position = 0;
    }
    drawn.push_back({state.order[static_cast<size_t>(state.position)], state.epoch});
    ++state.position;
  }
  return drawn;
}

std::vector<DrawnExample> share_of(const std::vector<DrawnExample>& step, int64_t micro,
                                   int64_t rank, int64_t ranks, int64_t batch) {
  const auto first = step.begin() + (micro * ranks + rank) * batch;
  return {first, first + batch};
}

namespace {

at::Tensor cat_batch(const std::vector<PreparedExample>& examples, size_t begin, size_t end,
                     at::Tensor (*part)(const PreparedExample&)) {
  std::vector<at::Tensor> parts;
  for (size_t i = begin; i < end; ++i) parts.push_back(part(examples[i]));
  return parts.size() == 1 ? parts.front() : at::cat(parts, 0);
}

MicroBatch stack(const std::vector<PreparedExample>& examples, size_t begin, size_t end,
                 LossKind loss, int64_t total) {
  const double weight = static_cast<double>(end - begin) / static_cast<double>(total);
  if (end - begin == 1) {
    const PreparedExample& e = examples[begin];
    return {e.problem, make_loss(loss, e.reference), weight};
  }
  const at::Tensor maps =
      cat_batch(examples, begin, end, [](const PreparedExample& e) { return e.problem.op.maps(); });
  const at::Tensor mask =
      cat_batch(examples, begin, end, [](const PreparedExample& e) { return e.mask; });
  const at::Tensor kspace =
      cat_batch(examples, begin, end, [](const PreparedExample& e) { return e.kspace; });
  const at::Tensor reference =
      cat_batch(examples, begin, end, [](const PreparedExample& e) { return e.reference; });
  const mri::SenseOp op(maps, mask, examples[begin].problem.op.options());
  return {unrolled::Problem(op, kspace), make_loss(loss, reference), weight};
}

}  // namespace

std::vector<MicroBatch> stacked_micro_batches(const std::vector<PreparedExample>& examples,
                                              LossKind loss, int64_t total) {
  std::vector<MicroBatch> batches;
  size_t begin = 0;
  for (size_t i = 1; i <= examples.size(); ++i) {
    if (i == examples.size() || examples[i].kspace.sizes() != examples[begin].kspace.sizes()) {
      batches.push_back(stack(examples, begin, i, loss, total));
      begin = i;
    }
  }
  return batches;
}

}  // namespace melrecon::train

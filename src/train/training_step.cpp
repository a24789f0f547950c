#include "train/training_step.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "core/random.h"
#include "train/learning_rate.h"
#include "train/prepared_example.h"
#include "train/random_flips.h"
#include "train/readout_slab.h"
#include "train/step_examples.h"

namespace melrecon::train {
namespace {

// Seed streams of their own for slab offsets and flips, apart from the masks'.
constexpr uint64_t kSlabStream = 0x51ab;
constexpr uint64_t kFlipStream = 0xf11b;

}  // namespace

TrainingStep::TrainingStep(const TrainConfig& config, TrainingData& data,
                           const DataParallel& parallel, c10::Device device)
    : config_(config),
      data_(data),
      parallel_(parallel),
      device_(device),
      sense_(mri::SenseOptions()
                 .fft_axes(data.train->fft_axes())
                 .coil_chunk(config.model.coil_chunk)) {}

int64_t TrainingStep::effective_batch() const {
  return parallel_.ranks() * config_.optim.batch * config_.optim.accumulate;
}

TakenStep TrainingStep::take(TrainerState& state, unrolled::UnrolledModel& model,
                             mel::GradientStrategy& strategy, torch::optim::Adam& optimizer,
                             LossScaler& scaler) {
  const uint64_t seed = config_.run.seed;
  const int64_t batch = config_.optim.batch, accumulate = config_.optim.accumulate;
  const std::vector<DrawnExample> drawn = draw_examples(
      state, static_cast<int64_t>(data_.train_examples.size()), seed, effective_batch());
  TakenStep taken;
  const auto prepare = [&](const DrawnExample& d) {
    const uint64_t mask_seed = core::derive_seed(
        core::derive_seed(seed, config_.sampling.vary_per_epoch ? d.epoch + 1 : 0),
        static_cast<uint64_t>(d.index));
    data::LoadedExample loaded = data_.train->load(data_.train_examples[d.index]);
    mri::SenseOptions sense = sense_;
    if (config_.data.slab > 0) {
      // The slab's offset varies with the example and the epoch, as its mask does.
      SlabExample s = readout_slab(loaded, config_.data.slab, sense_.fft_axes(),
                                   core::derive_seed(mask_seed, kSlabStream));
      loaded = std::move(s.example);
      sense.fft_axes(s.fft_axes);
    }
    if (config_.data.flip) {
      // New flips every epoch, whether or not the masks are.
      const uint64_t flip_seed =
          core::derive_seed(core::derive_seed(core::derive_seed(seed, kFlipStream), d.epoch + 1),
                            static_cast<uint64_t>(d.index));
      loaded = random_flips(loaded, sense.fft_axes(), flip_seed);
    }
    PreparedExample ex =
        prepare_example(loaded, config_.sampling, data_.kind(), sense, mask_seed, device_);
    taken.examples += (taken.examples.empty() ? "" : ",") + ex.name;
    return ex;
  };
  // Micro-batches made one micro-step at a time: only one micro-step's examples in memory.
  int64_t micro = 0;
  std::vector<MicroBatch> pending;
  const MicroBatches next = [&]() -> std::optional<MicroBatch> {
    while (pending.empty() && micro < accumulate) {
      std::vector<PreparedExample> examples;
      for (const DrawnExample& d :
           share_of(drawn, micro, parallel_.rank(), parallel_.ranks(), batch)) {
        examples.push_back(prepare(d));
      }
      pending = stacked_micro_batches(examples, config_.optim.loss, batch * accumulate);
      std::reverse(pending.begin(), pending.end());
      ++micro;
    }
    if (pending.empty()) return std::nullopt;
    MicroBatch part = std::move(pending.back());
    pending.pop_back();
    return part;
  };
  set_learning_rate(optimizer, learning_rate(config_.optim, state.step));
  taken.result = optimiser_step(model, strategy, optimizer, next, scaler, config_.optim.grad_clip,
                                parallel_.gradient_sync());
  taken.result.loss = parallel_.mean_loss(taken.result.loss, device_);
  if (!std::isfinite(taken.result.loss)) taken.result.finite = false;
  return taken;
}

}  // namespace melrecon::train

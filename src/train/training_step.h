// One optimiser step as every process of a run takes it: the step's ranks × optim.batch ×
// optim.accumulate examples drawn from the seeded order, this process's share prepared one
// micro-step at a time (masks seeded by example and epoch; same-shape examples stacked), the
// learning rate of the step, the optimiser step with gradients averaged over the group, and the
// loss averaged over it.
#pragma once

#include <torch/optim/adam.h>

#include <string>

#include "train/checkpoint.h"
#include "train/data_parallel.h"
#include "train/optimiser_step.h"
#include "train/train_config.h"
#include "train/training_data.h"

namespace melrecon::train {

struct TakenStep {
  OptimiserStepResult result;  // loss: the mean over every process's examples
  std::string examples;        // this process's examples, comma-separated (for the log)
};

class TrainingStep {
 public:
  // All held by reference; they outlive the object.
  TrainingStep(const TrainConfig& config, TrainingData& data, const DataParallel& parallel,
               c10::Device device);

  int64_t effective_batch() const;
  // Advances `state`'s data order (not its step count).
  TakenStep take(TrainerState& state, unrolled::UnrolledModel& model,
                 mel::GradientStrategy& strategy, torch::optim::Adam& optimizer,
                 LossScaler& scaler);

 private:
  const TrainConfig& config_;
  TrainingData& data_;
  const DataParallel& parallel_;
  c10::Device device_;
  mri::SenseOptions sense_;
};

}  // namespace melrecon::train

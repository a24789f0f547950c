#include "train/initial_weights.h"

#include <filesystem>

#include "core/error.h"
#include "train/checkpoint.h"

namespace melrecon::train {

void load_initial_weights(const std::string& source, io::DataKind kind,
                          unrolled::UnrolledModel& model) {
  const std::string file = checkpoint_file(source);
  MELRECON_CHECK(std::filesystem::is_regular_file(file),
                 "model.init: {}: no such checkpoint (a run folder or its checkpoint.pt)", file);
  const TrainerState state = read_checkpoint_state(file);
  MELRECON_CHECK(state.data_kind.empty() || state.data_kind == core::choice_name(kind),
                 "model.init: {} was trained on {} data, this run's data is {}", file,
                 state.data_kind, core::choice_name(kind));
  load_checkpoint_weights(file, model.module());
  model.update_normalisation();
}

}  // namespace melrecon::train

// A run's starting weights taken from another run (model.init), as MoDL's authors trained: a
// few cheap steps with one unroll, then more unrolls from those weights. With one CNN shared by
// all unrolls the weights fit any unroll count; λ comes along as a weight.
#pragma once

#include <string>

#include "io/bart_layout.h"
#include "unrolled/unrolled_model.h"

namespace melrecon::train {

// `source`: a run folder (its checkpoint.pt) or a checkpoint file. Errors name it: missing, not
// a checkpoint, trained on another data kind, weights that do not fit this network (another
// architecture, width, depth, per-unroll weights with another unroll count).
void load_initial_weights(const std::string& source, io::DataKind kind,
                          unrolled::UnrolledModel& model);

}  // namespace melrecon::train

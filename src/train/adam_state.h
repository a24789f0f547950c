// Adam's per-parameter state in a checkpoint, keyed by the parameter's name. LibTorch's own
// `Optimizer::save` keys it by the parameter's address, so two identical runs wrote different
// files; by name they write the same bytes and `cmp` can check a resume.
#pragma once

#include <torch/nn/module.h>
#include <torch/optim/adam.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <string>

namespace melrecon::train {

// Writes, for every parameter of `model` that has state: step, exp_avg, exp_avg_sq and (with
// amsgrad) max_exp_avg_sq, under "<name>/...".
void write_adam_state(torch::serialize::OutputArchive& archive, const torch::nn::Module& model,
                      const torch::optim::Adam& adam);

// Restores what write_adam_state wrote; errors name `path` and the parameter when the shapes
// do not fit the model.
void read_adam_state(torch::serialize::InputArchive& archive, const torch::nn::Module& model,
                     torch::optim::Adam& adam, const std::string& path);

}  // namespace melrecon::train

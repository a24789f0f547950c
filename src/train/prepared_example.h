// One example made ready for MoDL: its sampling mask (generated from a seed or stored), the
// undersampled k-space, the operator and Aᴴy, all scaled so that max |Aᴴy| = 1 (the network
// sees the same intensity range for every example), and the reference on the same scale.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

#include "data/example_source.h"
#include "modl/modl_net.h"
#include "mri/sense_op.h"
#include "train/train_config.h"

namespace melrecon::train {

struct PreparedExample {
  modl::ModlProblem problem;
  at::Tensor kspace;     // undersampled and scaled, [1, C, *S]
  at::Tensor reference;  // scaled, [1, *S]
  at::Tensor mask;
  double scale = 1.0;  // what k-space and reference were divided by
  std::string name;
};

// The mask kind `sampling.pattern` names, or the data kind's default (2d-lines, 3d,
// cine-vista) when it is unset ("auto").
sampling::MaskKind mask_pattern(const SamplingConfig& sampling, io::DataKind kind);

// A generated mask [1, 1, *S] for the data's spatial shape.
at::Tensor generate_mask(const SamplingConfig& sampling, io::DataKind kind,
                         const std::vector<int64_t>& spatial_shape, uint64_t seed);

// Uses the example's stored mask when `sampling.source` is "stored" (an error naming the
// example when it has none), else a mask generated from `seed`. The operator gets `sense`
// (FFT axes, coil chunk), so Aᴴy and the scale are computed a coil chunk at a time too.
PreparedExample prepare_example(const data::LoadedExample& example, const SamplingConfig& sampling,
                                io::DataKind kind, const mri::SenseOptions& sense, uint64_t seed,
                                c10::Device device);

}  // namespace melrecon::train

// Mean PSNR, SSIM and NRMSE of a model over examples with fixed masks (seeded per example).
#pragma once

#include <vector>

#include "data/example_source.h"
#include "modl/modl_net.h"
#include "train/train_config.h"

namespace melrecon::train {

struct ValidationResult {
  double psnr = 0.0;
  double ssim = 0.0;
  double nrmse = 0.0;
  int64_t count = 0;
};

// The MoDL reconstruction of one problem without a graph.
at::Tensor reconstruct(unrolled::UnrolledModel& model, const unrolled::Problem& problem);

// Mask of example i: seed derive_seed(seed, i), the same at every validation.
ValidationResult validation_metrics(unrolled::UnrolledModel& model, int64_t coil_chunk,
                                    data::ExampleSource& source,
                                    const std::vector<data::ExampleRef>& examples,
                                    const SamplingConfig& sampling, io::DataKind kind,
                                    const std::vector<int64_t>& fft_axes, uint64_t seed,
                                    c10::Device device);

}  // namespace melrecon::train

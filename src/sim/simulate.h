// Simulated fully sampled multi-coil datasets: object × smooth background phase → coil images
// through physical coil sensitivities → centred orthonormal FFT → complex Gaussian noise.
//
// For each case i (seed derived from (seed, i), so every case can be regenerated alone):
//   object     a random phantom (2d: Shepp-Logan, 3d: 3D Shepp-Logan, cine: beating heart) or a
//              slice/volume of --source fitted to the shape (sim/source_image.h), magnitude ≤ 1
//   reference  x = object · exp(i·φ), φ a smooth random phase (sim/background_phase.h), the
//              same in every cine frame
//   maps       S = Biot-Savart loop-coil sensitivities with Σ|S_c|² = 1 (sim/coils.h), the
//              same in every cine frame
//   k-space    y = F(S·x) + n: SenseOp(maps).forward(x) with the dataset's FFT axes
//              (io::default_fft_axes) plus noise at the requested SNR (sim/noise.h)
// Written with io::write_case (kspace, maps, reference; B = 1 per case) and
// io::write_dataset_info, whose `extra` records the generator, options and SNR definition.
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/arg.h>

#include <cstdint>
#include <string>
#include <vector>

#include "io/dataset.h"

namespace melrecon::sim {

struct SimulateOptions {
  SimulateOptions(io::DataKind kind, std::vector<int64_t> shape)
      : kind_(kind), shape_(std::move(shape)) {}
  TORCH_ARG(io::DataKind, kind);
  TORCH_ARG(std::vector<int64_t>, shape);  // *S: [Y, X], [Z, Y, X] or [T, Y, X]
  TORCH_ARG(int64_t, cases) = 1;
  TORCH_ARG(int64_t, coils) = 8;
  // Image-domain SNR in the object (sim/noise.h); 0 = no noise.
  TORCH_ARG(double, snr) = 30.0;
  TORCH_ARG(uint64_t, seed) = 0;
  // An image or volume file instead of the phantom (empty: phantom).
  TORCH_ARG(std::string, source);
};

// Checks the options (UsageError: shape rank for the kind, sizes, cases, coils, SNR).
void validate(const SimulateOptions& options);

struct SimulatedCase {
  io::CaseData data;  // kspace [1, C, *S], maps [1, C, *S], reference [1, *S], no mask
  double noise_sigma = 0.0;
};

// Case `index` of the dataset the options describe (validated first).
SimulatedCase simulate_case(const SimulateOptions& options, int64_t index);

// All cases into the folder `dir` ("case_0000", ...) and dataset.json, written as a whole
// (io/folder_output.h: a non-empty `dir` only with `overwrite`); returns the index written.
io::DatasetInfo simulate_dataset(const SimulateOptions& options, const std::string& dir,
                                 bool overwrite = false);

}  // namespace melrecon::sim

// `bart pics` as a baseline reconstruction (compressed sensing with an ℓ1-wavelet prior), run
// as a separate process on BART files. Used by evaluation when bart is installed; never needed
// by anything else.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

#include "io/bart_layout.h"

namespace melrecon::recon {

bool bart_available();

// argmin ‖Ax − y‖² + λ‖Ψx‖₁ by `bart pics -l1 -r λ -w 1 -i iters -p mask` on k-space
// [1, C, *S], maps [1, C, *S] and mask; returns the image [1, *S]. `work_dir` holds the files.
at::Tensor bart_pics_l1(const at::Tensor& kspace, const at::Tensor& maps, const at::Tensor& mask,
                        io::DataKind kind, double lambda, int64_t iters,
                        const std::string& work_dir);

}  // namespace melrecon::recon

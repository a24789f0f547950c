// `bart pics` as a baseline reconstruction (compressed sensing), run as a separate process on
// BART files. Used by evaluation when bart is installed; never needed by anything else.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

#include "core/choices.h"
#include "io/bart_layout.h"

namespace melrecon::recon {

bool bart_available();

// The sparsifying prior R of argmin ‖Ax − y‖² + λ R(x):
//   wavelet      ℓ1 of the Daubechies wavelet transform over the image axes (Y, X; Z too for
//                3D): `bart pics -R W:<axes>:0:λ`, the classic CS-MRI prior
//   temporal-tv  total variation along the cine frames: `bart pics -R T:1024:0:λ`, the strong
//                classical prior for cine (Feng et al. k-t SPARSE-SENSE / GRASP style)
//   temporal-tv+wavelet  both: temporal TV with λ and spatial wavelets with a weight of their own
enum class CsPrior { wavelet, temporal_tv, temporal_tv_wavelet };
constexpr core::Choices<CsPrior, 3> choices(CsPrior) {
  return {"compressed-sensing prior",
          {{{CsPrior::wavelet, "wavelet"},
            {CsPrior::temporal_tv, "temporal-tv"},
            {CsPrior::temporal_tv_wavelet, "temporal-tv+wavelet"}}}};
}

// `bart pics -R <prior> -i iters` on k-space [1, C, *S], maps [1, C, *S] (cine: may have one
// frame) and mask; returns the image [1, *S]. The temporal priors need cine data; `wavelet` is
// the wavelet weight of temporal-tv+wavelet. `work_dir` holds the files.
at::Tensor bart_pics(const at::Tensor& kspace, const at::Tensor& maps, const at::Tensor& mask,
                     io::DataKind kind, CsPrior prior, double lambda, int64_t iters,
                     const std::string& work_dir, double wavelet = 0.0);

}  // namespace melrecon::recon

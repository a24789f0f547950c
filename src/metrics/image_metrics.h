// Image quality against a reference, the conventions of the MoDL/MEL papers and fastMRI:
// magnitudes, both divided by the reference's maximum (so the data range is 1), then
//   PSNR  = 10·log10(1 / MSE)
//   NRMSE = ‖|x| − |ref|‖ / ‖|ref|‖
//   SSIM  (Wang et al. 2004) Gaussian window 11, σ = 1.5, K1 = 0.01, K2 = 0.03, averaged over the
//         positions where the window fits inside the image (as scikit-image does after cropping
//         the border); 2D per slice/frame (then averaged) or 3D with an 11x11x11 window.
// All functions take one example: image and reference of the same shape, [Y, X] or [Z|T, Y, X],
// complex or real. They are differentiable (ssim is used as a training loss).
#pragma once

#include <ATen/core/Tensor.h>

namespace melrecon::metrics {

// Magnitudes divided by the reference's maximum magnitude: {image, reference}.
std::pair<at::Tensor, at::Tensor> normalized_magnitudes(const at::Tensor& image,
                                                        const at::Tensor& reference);

at::Tensor psnr(const at::Tensor& image, const at::Tensor& reference);
at::Tensor nrmse(const at::Tensor& image, const at::Tensor& reference);

enum class SsimMode { per_slice, volume };
at::Tensor ssim(const at::Tensor& image, const at::Tensor& reference,
                SsimMode mode = SsimMode::per_slice);

// SSIM of real images already on a common scale with the given data range; [Y, X] or
// [Z, Y, X]; the building block of `ssim`.
at::Tensor ssim_real(const at::Tensor& x, const at::Tensor& y, double data_range, SsimMode mode);

}  // namespace melrecon::metrics

#include "mri/fft.h"

#include <ATen/ATen.h>

namespace melrecon::mri {

at::Tensor fftc(const at::Tensor& x, at::IntArrayRef dims) {
  return at::fft_fftshift(at::fft_fftn(at::fft_ifftshift(x, dims), c10::nullopt, dims, "ortho"),
                          dims);
}

at::Tensor ifftc(const at::Tensor& x, at::IntArrayRef dims) {
  return at::fft_fftshift(at::fft_ifftn(at::fft_ifftshift(x, dims), c10::nullopt, dims, "ortho"),
                          dims);
}

}  // namespace melrecon::mri

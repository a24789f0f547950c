// The multi-coil Cartesian forward model A = M·F·S as a value with forward, adjoint and
// normal (AᴴA). Tensors: image x [B, *S], k-space [B, C, *S], coil maps S [B, C, *S] (B, and
// axes the FFT does not run over such as cine frames, may be 1 and broadcast), mask M broadcastable
// to k-space (e.g. [1, 1, Z, Y, 1] for a fully sampled readout, [1, 1, T, Y, X] for a pattern per
// cine frame). *S has 2 or 3 axes; the FFT runs over `fft_axes` of them (all by default): a 3D
// volume whose readout was already inverse- transformed uses a 2D FFT per slice, a cine series a 2D
// FFT per frame.
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/arg.h>

#include <cstdint>
#include <vector>

namespace melrecon::mri {

struct SenseOptions {
  // Spatial axes (0 = first axis of *S) the FFT runs over; empty: all spatial axes.
  TORCH_ARG(std::vector<int64_t>, fft_axes);
  // Coils per chunk in `normal` and `adjoint`: 0 = all at once. Their memory is then about
  // 2 chunks of coil images instead of 2·C.
  TORCH_ARG(int64_t, coil_chunk) = 0;
};

class SenseOp {
 public:
  // `mask` may be undefined (fully sampled). Checks shapes; messages say which tensor is wrong.
  SenseOp(at::Tensor maps, at::Tensor mask, SenseOptions options = {});

  at::Tensor forward(const at::Tensor& image) const;   // [B, *S] -> [B, C, *S]
  at::Tensor adjoint(const at::Tensor& kspace) const;  // [B, C, *S] -> [B, *S], coil-chunked
  at::Tensor normal(const at::Tensor& image) const;    // AᴴA: [B, *S] -> [B, *S], coil-chunked

  // The coil maps as given (internally they may be stored pre-modulated; see below).
  at::Tensor maps() const;
  const at::Tensor& mask() const { return mask_; }
  const SenseOptions& options() const { return options_; }
  int64_t spatial_rank() const { return maps_.dim() - 2; }
  int64_t num_coils() const { return maps_.size(1); }
  // Negative dims of the FFT, valid for both images [B, *S] and coil tensors [B, C, *S].
  const std::vector<int64_t>& fft_dims() const { return fft_dims_; }

  // The same operator restricted to batch entries [start, start + length) (maps and mask
  // sliced where they are not broadcast).
  SenseOp narrow_batch(int64_t start, int64_t length) const;
  // The same operator with another coil chunk (shares every tensor).
  SenseOp with_coil_chunk(int64_t coils) const;
  // The same operator with the coil maps times `factor` (a new maps tensor).
  SenseOp scaled(double factor) const;
  // max over voxels of the coils' root-sum-of-squares, √Σ_c |S_c|² (1 for ESPIRiT's maps).
  double max_coil_rss() const;

 private:
  // Σ over coil chunks [c, c + n) of chunk(c, n): one chunk of coil images exists at a time.
  template <typename ChunkFn>
  at::Tensor sum_over_coil_chunks(const ChunkFn& chunk) const;
  at::Tensor normal_chunk(const at::Tensor& image, int64_t first, int64_t count) const;
  at::Tensor adjoint_chunk(const at::Tensor& kspace, int64_t first, int64_t count) const;
  at::Tensor to_kspace(const at::Tensor& coil_images) const;
  at::Tensor to_image(const at::Tensor& kspace) const;

  // For even FFT sizes the centered FFT is a plain FFT between two ±1 checkerboards c:
  // fftshift(fft(ifftshift(x))) = s·c ⊙ fft(c ⊙ x), s = (−1)^(Σ N/2). The input checkerboard is
  // folded into the stored maps, the output one into the k-space weight, and in AᴴA they
  // cancel — so no shift copies are made. Odd sizes fall back to explicit shifts.
  bool modulated_ = false;
  at::Tensor checkerboard_;  // c over the FFT dims (modulated_ only)
  at::Tensor maps_;          // c ⊙ S when modulated_, else S
  at::Tensor mask_;
  at::Tensor kspace_weight_;  // what forward multiplies k-space by: M (and s·c when modulated_)
  at::Tensor mask_power_;     // |M|², used by the normal operator (= M for a binary mask)
  SenseOptions options_;
  std::vector<int64_t> fft_dims_;
};

}  // namespace melrecon::mri

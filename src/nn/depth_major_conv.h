// 3D convolution as a sum of 2D convolutions, for the CPU, with its own lean backward.
//
// LibTorch's CPU conv3d has no fast (oneDNN) path in the Debian build and runs ~40x slower per
// FLOP than conv2d. A kz×ky×kx convolution is Σ_dz (conv2d of every slice with W[:, :, dz],
// shifted by dz − kz/2 along Z). With activations stored depth-major, [B, Z, C, Y, X], all
// slices are one batch of B·Z images, a view of the input: no padded copy is made (the shifts
// move the outputs; zero-padding taps are skipped, replicate ones read the edge slice).
//
// The convolution (and the ReLU after it, when asked) is one autograd node that keeps only its
// input, and one bit per output element for the ReLU (nn/relu_mask.h), so the output is freed
// as soon as the next layer is done with it. Forward and backward walk the output depth in
// chunks: each tap's convolution, the ReLU mask, each tap's input and weight gradients are
// formed a few slices at a time and summed into place. A forward holds one full map besides
// its input (the output), a backward two (the incoming and the outgoing gradient), where
// autograd's per-operation graph held two and five. Results and gradients equal conv3d's
// (tests check it).
#pragma once

#include <ATen/core/Tensor.h>

namespace melrecon::nn {

// x [B, Z, C, Y, X], weight [F, C, kz, ky, kx] (odd sizes), bias [F] or undefined; stride 1,
// "same" output size with zero or replicate padding; relu(conv) when `relu`. Returns
// [B, Z, F, Y, X]. chunk_slices: output slices per chunk (0: chosen from the sizes).
// depth_dilation: the spacing of the depth taps (conv3d's dilation {d, 1, 1}); cyclic_depth:
// taps beyond the depth wrap around (slice z reads (z + shift) mod Z) whatever the padding
// in-plane.
at::Tensor conv3d_depth_major(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                              bool replicate_padding, bool relu = false, int64_t chunk_slices = 0,
                              int64_t depth_dilation = 1, bool cyclic_depth = false);

}  // namespace melrecon::nn

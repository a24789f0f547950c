// 3D convolution as a sum of 2D convolutions, for the CPU.
//
// LibTorch's CPU conv3d has no fast (oneDNN) path in the Debian build and runs ~40x slower per
// FLOP than conv2d. A kz×ky×kx convolution is Σ_dz (conv2d of every slice with W[:, :, dz],
// shifted by dz − kz/2 along Z). With activations stored depth-major, [B, Z, C, Y, X], all
// slices are one batch of B·Z images, a view of the input: no padded copy is made or kept for
// backward (the shifts move the outputs; zero-padding taps are skipped, replicate ones read the
// edge slice). Results equal conv3d (tests check it); gradients follow through autograd.
#pragma once

#include <ATen/core/Tensor.h>

namespace melrecon::nn {

// x [B, Z, C, Y, X], weight [F, C, kz, ky, kx] (odd sizes), bias [F] or undefined; stride 1,
// "same" output size with zero or replicate padding. Returns [B, Z, F, Y, X].
at::Tensor conv3d_depth_major(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                              bool replicate_padding);

}  // namespace melrecon::nn

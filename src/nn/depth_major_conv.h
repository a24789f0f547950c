// 3D convolution as a sum of 2D convolutions, for the CPU.
//
// LibTorch's CPU conv3d has no fast (oneDNN) path in the Debian build and runs ~40x slower per
// FLOP than conv2d. A kz×ky×kx convolution is Σ_dz conv2d(x shifted by dz along Z, W[:, :, dz]),
// and with activations stored depth-major, [B, Z, C, Y, X], every shifted input is a view of
// one Z-padded tensor, reshaped to a batch of B·Z images at no cost (B = 1). Results equal
// conv3d (tests check it); gradients follow through autograd.
#pragma once

#include <ATen/core/Tensor.h>

namespace melrecon::nn {

// x [B, Z, C, Y, X], weight [F, C, kz, ky, kx] (odd sizes), bias [F] or undefined; stride 1,
// "same" output size with zero or replicate padding. Returns [B, Z, F, Y, X].
at::Tensor conv3d_depth_major(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                              bool replicate_padding);

}  // namespace melrecon::nn

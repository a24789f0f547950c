// The words the training configuration accepts for its keys that are not a module's own choice
// (those are nn::ConvKind, nn::Precision, nn::Conv3dPath, sampling::MaskKind, mel::Strategy,
// varnet::Initial): one enum and one table of names each (core/choices.h).
#pragma once

#include "core/choices.h"

namespace melrecon::train {

// model.arch: the unrolled network.
enum class Arch { modl, varnet };
constexpr core::Choices<Arch, 2> choices(Arch) {
  return {"architecture", {{{Arch::modl, "modl"}, {Arch::varnet, "varnet"}}}};
}

// model.net: the regulariser's body, MoDL's plain residual CNN or a small U-Net.
enum class NetKind { cnn, unet };
constexpr core::Choices<NetKind, 2> choices(NetKind) {
  return {"network", {{{NetKind::cnn, "cnn"}, {NetKind::unet, "unet"}}}};
}

// model.dims: the network's own dimensionality, or a 2D network slice by slice (frame by frame)
// on 3D or cine data (the baseline the 3D / 2D+t networks are compared against).
enum class NetDims { automatic, slice_wise };
constexpr core::Choices<NetDims, 2> choices(NetDims) {
  return {"network dimensionality", {{{NetDims::automatic, "auto"}, {NetDims::slice_wise, "2d"}}}};
}

// model.padding of the convolutions.
enum class Padding { zeros, replicate };
constexpr core::Choices<Padding, 2> choices(Padding) {
  return {"padding", {{{Padding::zeros, "zeros"}, {Padding::replicate, "replicate"}}}};
}

// sampling.source: a mask generated per example (and epoch), or the case's stored mask.
enum class MaskSource { generate, stored };
constexpr core::Choices<MaskSource, 2> choices(MaskSource) {
  return {"mask source", {{{MaskSource::generate, "generate"}, {MaskSource::stored, "stored"}}}};
}

// optim.schedule of the learning rate after warm-up.
enum class Schedule { constant, cosine, step };
constexpr core::Choices<Schedule, 3> choices(Schedule) {
  return {
      "learning-rate schedule",
      {{{Schedule::constant, "constant"}, {Schedule::cosine, "cosine"}, {Schedule::step, "step"}}}};
}

// optim.loss (train/losses.h).
enum class LossKind { l1, l2, ssim };
constexpr core::Choices<LossKind, 3> choices(LossKind) {
  return {"loss", {{{LossKind::l1, "l1"}, {LossKind::l2, "l2"}, {LossKind::ssim, "ssim"}}}};
}

}  // namespace melrecon::train

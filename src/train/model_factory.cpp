#include "train/model_factory.h"

#include "core/error.h"
#include "nn/residual_cnn.h"

namespace melrecon::train {

nn::DenoiserOptions regulariser_options(const ModelConfig& m, io::DataKind kind) {
  const bool volume = kind != io::DataKind::image2d;
  const bool slice_wise = volume && m.dims == NetDims::slice_wise;
  const nn::ConvKind conv =
      m.conv.value_or(volume && !slice_wise ? nn::ConvKind::conv3d : nn::ConvKind::conv2d);
  MELRECON_CHECK(volume || conv == nn::ConvKind::conv2d,
                 "model.conv '{}' needs 3D or cine data, this dataset is 2D",
                 core::choice_name(conv));
  MELRECON_CHECK(!slice_wise || conv == nn::ConvKind::conv2d,
                 "model.dims '2d' (slice-wise) needs model.conv 2d or auto, found '{}'",
                 core::choice_name(conv));
  MELRECON_CHECK(!volume || slice_wise || conv != nn::ConvKind::conv2d,
                 "model.conv '2d' on {} data: set model.dims to '2d' for a slice-wise 2D network",
                 core::choice_name(kind));
  MELRECON_CHECK(conv != nn::ConvKind::conv2d || !nn::any_depth_dilation(m.depth_dilation),
                 "model.depth_dilation needs 3D or (2+1)D convolutions (3D or cine data, not "
                 "slice-wise), this network's are 2D");
  MELRECON_CHECK(conv != nn::ConvKind::conv2d || !m.cyclic_depth,
                 "model.cyclic_depth needs 3D or (2+1)D convolutions (3D or cine data, not "
                 "slice-wise), this network's are 2D");
  const size_t image_axes = volume ? 3 : 2;
  MELRECON_CHECK(m.tile.empty() || m.tile.size() == image_axes,
                 "model.tile needs {} sizes for {} data (one per image axis), found {}", image_axes,
                 core::choice_name(kind), m.tile.size());
  nn::DenoiserOptions denoiser = nn::DenoiserOptions()
                                     .slice_wise(slice_wise)
                                     .tile(m.tile)
                                     .cnn(nn::ResidualCnnOptions()
                                              .kind(conv)
                                              .num_layers(m.layers)
                                              .features(m.features)
                                              .replicate_padding(m.padding == Padding::replicate)
                                              .depth_dilation(m.depth_dilation)
                                              .cyclic_depth(m.cyclic_depth)
                                              .lipschitz(m.lipschitz)
                                              .compute_dtype(nn::compute_dtype_of(m.precision))
                                              .conv3d_path(m.conv3d));
  if (m.net == NetKind::unet) {
    denoiser.unet(nn::UNetOptions()
                      .levels(m.unet_levels)
                      .features(m.features)
                      .replicate_padding(m.padding == Padding::replicate)
                      .compute_dtype(nn::compute_dtype_of(m.precision))
                      .conv3d_path(m.conv3d));
  }
  return denoiser;
}

modl::ModlOptions modl_options(const ModelConfig& m, io::DataKind kind) {
  return modl::ModlOptions()
      .num_unrolls(m.unrolls)
      .cg_iters(m.cg_iters)
      .cg_tol(m.cg_tol)
      .lambda(m.lambda)
      .learn_lambda(m.learn_lambda)
      .share_weights(m.share_weights)
      .coil_chunk(m.coil_chunk)
      .denoiser(regulariser_options(m, kind));
}

varnet::VarNetOptions varnet_options(const ModelConfig& m, io::DataKind kind) {
  varnet::VarNetOptions o;
  o.num_unrolls(m.unrolls);
  o.step_size(m.step_size);
  o.share_weights(m.share_weights);
  o.regulariser(regulariser_options(m, kind));
  o.initial(m.varnet_start);
  o.initial_lambda(m.lambda);
  o.initial_cg_iters(m.cg_iters);
  o.coil_chunk(m.coil_chunk);
  return o;
}

Network build_network(const ModelConfig& m, io::DataKind kind) {
  switch (m.arch) {
    case Arch::modl:
      return std::make_shared<modl::ModlImpl>(modl_options(m, kind));
    case Arch::varnet:
      return std::make_shared<varnet::VarNetImpl>(varnet_options(m, kind));
  }
  core::fail_internal(__FILE__, __LINE__, "architecture {} has no network",
                      static_cast<int>(m.arch));
}

std::unique_ptr<mel::GradientStrategy> gradient_strategy(const OptimConfig& optim) {
  return mel::make_gradient_strategy(optim.strategy,
                                     mel::StrategyOptions()
                                         .checkpoint_every(optim.inversion_checkpoint_every)
                                         .offload_to_host(optim.offload_to_host));
}

}  // namespace melrecon::train

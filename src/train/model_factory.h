// The unrolled network (MoDL or VarNet) and gradient strategy a configuration describes, for a
// kind of data.
#pragma once

#include <memory>

#include "io/bart_layout.h"
#include "mel/gradient_strategy.h"
#include "modl/modl_net.h"
#include "train/train_config.h"
#include "unrolled/unrolled_model.h"
#include "varnet/varnet.h"

namespace melrecon::train {

// R_w: the CNN or U-Net both architectures use (MoDL's denoiser D = I + R_w, VarNet's R_k).
// conv "auto": 2d for 2D data, 3d for volumes and cine; dims "2d" on 3D/cine data applies a 2D
// CNN slice by slice (frame by frame).
nn::DenoiserOptions regulariser_options(const ModelConfig& model, io::DataKind kind);
modl::ModlOptions modl_options(const ModelConfig& model, io::DataKind kind);
varnet::VarNetOptions varnet_options(const ModelConfig& model, io::DataKind kind);

// A trained or trainable network; `network->module()` for its parameters and device.
using Network = std::shared_ptr<unrolled::UnrolledModel>;
// model.arch picks MoDL or VarNet.
Network build_network(const ModelConfig& model, io::DataKind kind);

std::unique_ptr<mel::GradientStrategy> gradient_strategy(const OptimConfig& optim);

}  // namespace melrecon::train

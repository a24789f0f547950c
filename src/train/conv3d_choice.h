// model.conv3d auto: which way 3D kernels run fastest here, found by timing both. Neither is
// faster everywhere on the CPU: on a 2-core Xeon (LibTorch 2.11, oneDNN) a step with the
// depth-major node took 0.52x and 0.32x of native conv3d's time at 16 and 32 features (cine
// 12×48×48), native 0.79x of the node's at 48 and 0.72–0.88x at 64. The choice is made once, before
// training, and written into the run's configuration, so that a resumed run computes exactly as the
// original.
#pragma once

#include <c10/core/Device.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "io/bart_layout.h"
#include "train/train_config.h"

namespace melrecon::train {

struct Conv3dTiming {
  nn::Conv3dPath path = nn::Conv3dPath::native;  // the faster
  double native_seconds = 0.0;                   // one forward and backward of the denoiser
  double depth_major_seconds = 0.0;              // the same with the depth-major node
};

// Times the denoiser `model` describes (random weights: only its shape matters) forward and
// backward on a random complex [1, *spatial_shape] image with each path, on `device`. Nothing to
// choose (no timing) when model.conv3d is set, the network has no 3D kernels, or the device is
// not the CPU (on CUDA auto is native).
std::optional<Conv3dTiming> time_conv3d_paths(const ModelConfig& model, io::DataKind kind,
                                              const std::vector<int64_t>& spatial_shape,
                                              c10::Device device);

// model.conv3d auto made concrete for a training run: the faster path on one example of
// `spatial_shape` (stderr says which, and both times, when `report`); unchanged when there is
// nothing to choose.
void choose_conv3d_path(ModelConfig& model, io::DataKind kind,
                        const std::vector<int64_t>& spatial_shape, c10::Device device, bool report);

}  // namespace melrecon::train

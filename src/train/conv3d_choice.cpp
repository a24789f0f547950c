#include "train/conv3d_choice.h"

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/autograd.h>

#include <algorithm>
#include <chrono>

#include "nn/denoiser.h"
#include "train/model_factory.h"

namespace melrecon::train {
namespace {

// The best of three forward-and-backward passes after one to warm up (oneDNN's kernel choice,
// the allocator).
double seconds_per_pass(const ModelConfig& model, io::DataKind kind, const at::Tensor& input) {
  nn::Denoiser denoiser(regulariser_options(model, kind));
  denoiser->to(input.device());
  double best = 1e300;
  for (int pass = 0; pass < 4; ++pass) {
    const auto start = std::chrono::steady_clock::now();
    denoiser->zero_grad();
    at::real(denoiser->forward(input)).sum().backward();
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (pass > 0) best = std::min(best, s);
  }
  return best;
}

}  // namespace

std::optional<Conv3dTiming> time_conv3d_paths(const ModelConfig& model, io::DataKind kind,
                                              const std::vector<int64_t>& spatial_shape,
                                              c10::Device device) {
  const nn::DenoiserOptions options = regulariser_options(model, kind);
  const bool kernels_3d =
      !options.slice_wise() && (options.unet() || options.cnn().kind() != nn::ConvKind::conv2d);
  if (model.conv3d != nn::Conv3dPath::automatic || !kernels_3d || !device.is_cpu()) {
    return std::nullopt;
  }
  std::vector<int64_t> shape{1};
  shape.insert(shape.end(), spatial_shape.begin(), spatial_shape.end());
  const at::Tensor input = at::randn(shape, at::TensorOptions(device).dtype(at::kComplexFloat));
  Conv3dTiming t;
  ModelConfig m = model;
  m.conv3d = nn::Conv3dPath::native;
  t.native_seconds = seconds_per_pass(m, kind, input);
  m.conv3d = nn::Conv3dPath::depth_major;
  t.depth_major_seconds = seconds_per_pass(m, kind, input);
  t.path = t.depth_major_seconds < t.native_seconds ? nn::Conv3dPath::depth_major
                                                    : nn::Conv3dPath::native;
  return t;
}

void choose_conv3d_path(ModelConfig& model, io::DataKind kind,
                        const std::vector<int64_t>& spatial_shape, c10::Device device,
                        bool report) {
  const std::optional<Conv3dTiming> t = time_conv3d_paths(model, kind, spatial_shape, device);
  if (!t) return;
  model.conv3d = t->path;
  if (report) {
    fmt::print(stderr,
               "model.conv3d auto: {} (a denoiser pass on {}: native {:.3f} s, depth-major "
               "{:.3f} s)\n",
               core::choice_name(t->path), fmt::join(spatial_shape, "x"), t->native_seconds,
               t->depth_major_seconds);
  }
}

}  // namespace melrecon::train

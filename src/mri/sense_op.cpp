#include "mri/sense_op.h"

#include <ATen/ATen.h>

#include "core/error.h"
#include "core/tensor_checks.h"
#include "mri/fft.h"

namespace melrecon::mri {
namespace {

at::Tensor narrow_if_batched(const at::Tensor& t, int64_t start, int64_t length) {
  if (!t.defined() || t.size(0) == 1) return t;
  return t.narrow(0, start, length);
}

}  // namespace

SenseOp::SenseOp(at::Tensor maps, at::Tensor mask, SenseOptions options)
    : maps_(std::move(maps)), mask_(std::move(mask)), options_(std::move(options)) {
  core::check(maps_.dim() == 4 || maps_.dim() == 5,
              "coil maps: expected [B, C, Y, X] or [B, C, Z|T, Y, X], found shape {}",
              core::shape_string(maps_.sizes()));
  core::check(maps_.is_complex(), "coil maps: expected complex values, found {}",
              c10::toString(maps_.scalar_type()));
  const int64_t rank = spatial_rank();
  if (options_.fft_axes_.empty()) {
    for (int64_t a = 0; a < rank; ++a) options_.fft_axes_.push_back(a);
  }
  for (int64_t a : options_.fft_axes_) {
    core::check(a >= 0 && a < rank, "fft axes: axis {} is outside the {} spatial axes", a, rank);
    fft_dims_.push_back(a - rank);
  }
  modulated_ = true;
  for (int64_t d : fft_dims_) modulated_ = modulated_ && maps_.size(d) % 2 == 0;
  if (modulated_) {
    const auto real = c10::toRealValueType(maps_.scalar_type());
    checkerboard_ = at::ones({}, at::TensorOptions().dtype(real).device(maps_.device()));
    int64_t half_sum = 0;
    for (int64_t d : fft_dims_) {
      std::vector<int64_t> shape(maps_.dim(), 1);
      shape[maps_.dim() + d] = maps_.size(d);
      const at::Tensor sign =
          1 - 2 * (at::arange(maps_.size(d), checkerboard_.options().dtype(at::kLong)) % 2);
      checkerboard_ = checkerboard_ * sign.to(real).reshape(shape);
      half_sum += maps_.size(d) / 2;
    }
    maps_ = maps_ * checkerboard_;
    kspace_weight_ = half_sum % 2 == 0 ? checkerboard_ : -checkerboard_;
  }
  if (mask_.defined()) {
    core::check(mask_.dim() == maps_.dim(),
                "mask: expected rank {} (broadcastable to k-space {}), found shape {}",
                maps_.dim(), core::shape_string(maps_.sizes()), core::shape_string(mask_.sizes()));
    for (int64_t d = 0; d < mask_.dim(); ++d) {
      core::check(mask_.size(d) == 1 || mask_.size(d) == maps_.size(d) || d == 0,
                  "mask: shape {} does not fit k-space {} (axis {})",
                  core::shape_string(mask_.sizes()), core::shape_string(maps_.sizes()), d);
    }
    if (!mask_.is_complex()) mask_ = mask_.to(maps_.scalar_type());
    mask_power_ = at::real(mask_ * mask_.conj()).to(maps_.scalar_type());
    kspace_weight_ = kspace_weight_.defined() ? mask_ * kspace_weight_ : mask_;
  }
  core::check(options_.coil_chunk_ >= 0, "coil chunk must be >= 0, found {}",
              options_.coil_chunk_);
}

at::Tensor SenseOp::maps() const { return modulated_ ? maps_ * checkerboard_ : maps_; }

at::Tensor SenseOp::to_kspace(const at::Tensor& coil_images) const {
  return modulated_ ? at::fft_fftn(coil_images, c10::nullopt, fft_dims_, "ortho")
                    : fftc(coil_images, fft_dims_);
}

at::Tensor SenseOp::to_image(const at::Tensor& kspace) const {
  return modulated_ ? at::fft_ifftn(kspace, c10::nullopt, fft_dims_, "ortho")
                    : ifftc(kspace, fft_dims_);
}

// In place where the tensor is a fresh intermediate: FFTs and products with constants do not
// keep their outputs for backward, so autograd allows it, and it saves an allocation each.
at::Tensor SenseOp::forward(const at::Tensor& image) const {
  at::Tensor k = to_kspace(image.unsqueeze(1) * maps_);
  return kspace_weight_.defined() ? k.mul_(kspace_weight_) : k;
}

at::Tensor SenseOp::adjoint(const at::Tensor& kspace) const {
  const at::Tensor k = kspace_weight_.defined() ? kspace * kspace_weight_.conj() : kspace;
  return to_image(k).mul_(maps_.conj()).sum(1);
}

at::Tensor SenseOp::normal_chunk(const at::Tensor& image, const at::Tensor& maps) const {
  at::Tensor k = to_kspace(image.unsqueeze(1) * maps);
  if (mask_power_.defined()) k.mul_(mask_power_);
  return to_image(k).mul_(maps.conj()).sum(1);
}

at::Tensor SenseOp::normal(const at::Tensor& image) const {
  const int64_t coils = num_coils();
  const int64_t chunk = options_.coil_chunk_ <= 0 ? coils : options_.coil_chunk_;
  if (chunk >= coils) return normal_chunk(image, maps_);
  at::Tensor out = normal_chunk(image, maps_.narrow(1, 0, chunk));
  for (int64_t c = chunk; c < coils; c += chunk) {
    out.add_(normal_chunk(image, maps_.narrow(1, c, std::min(chunk, coils - c))));
  }
  return out;
}

SenseOp SenseOp::narrow_batch(int64_t start, int64_t length) const {
  return SenseOp(narrow_if_batched(maps(), start, length), narrow_if_batched(mask_, start, length),
                 options_);
}

}  // namespace melrecon::mri

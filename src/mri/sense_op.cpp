#include "mri/sense_op.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/error.h"
#include "core/tensor_checks.h"
#include "mri/fft.h"

namespace melrecon::mri {
namespace {

// `t` narrowed along `dim` unless it is undefined or broadcast there (size 1).
at::Tensor narrow_unless_broadcast(const at::Tensor& t, int64_t dim, int64_t start,
                                   int64_t length) {
  if (!t.defined() || t.size(dim) == 1) return t;
  return t.narrow(dim, start, length);
}

}  // namespace

SenseOp::SenseOp(at::Tensor maps, at::Tensor mask, SenseOptions options)
    : maps_(std::move(maps)), mask_(std::move(mask)), options_(std::move(options)) {
  MELRECON_CHECK(maps_.dim() == 4 || maps_.dim() == 5,
                 "coil maps: expected [B, C, Y, X] or [B, C, Z|T, Y, X], found shape {}",
                 core::shape_string(maps_.sizes()));
  MELRECON_CHECK(maps_.is_complex(), "coil maps: expected complex values, found {}",
                 c10::toString(maps_.scalar_type()));
  const int64_t rank = spatial_rank();
  if (options_.fft_axes().empty()) {
    for (int64_t a = 0; a < rank; ++a) options_.fft_axes().push_back(a);
  }
  for (int64_t a : options_.fft_axes()) {
    MELRECON_CHECK(a >= 0 && a < rank, "fft axes: axis {} is outside the {} spatial axes", a, rank);
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
    MELRECON_CHECK(mask_.dim() == maps_.dim(),
                   "mask: expected rank {} (broadcastable to k-space {}), found shape {}",
                   maps_.dim(), core::shape_string(maps_.sizes()),
                   core::shape_string(mask_.sizes()));
    for (int64_t d = 0; d < mask_.dim(); ++d) {
      // Maps of size 1 along an axis (cine maps over the frames) broadcast to the mask's size.
      MELRECON_CHECK(
          mask_.size(d) == 1 || mask_.size(d) == maps_.size(d) || maps_.size(d) == 1 || d == 0,
          "mask: shape {} does not fit k-space {} (axis {})", core::shape_string(mask_.sizes()),
          core::shape_string(maps_.sizes()), d);
    }
    if (!mask_.is_complex()) mask_ = mask_.to(maps_.scalar_type());
    mask_power_ = at::real(mask_ * mask_.conj()).to(maps_.scalar_type());
    kspace_weight_ = kspace_weight_.defined() ? mask_ * kspace_weight_ : mask_;
  }
  MELRECON_CHECK(options_.coil_chunk() >= 0, "coil chunk must be >= 0, found {}",
                 options_.coil_chunk());
}

SenseOp SenseOp::with_coil_chunk(int64_t coils) const {
  MELRECON_CHECK(coils >= 0, "coil chunk must be >= 0, found {}", coils);
  SenseOp op = *this;
  op.options_.coil_chunk(coils);
  return op;
}

SenseOp SenseOp::scaled(double factor) const {
  SenseOp op = *this;
  op.maps_ = maps_ * factor;
  return op;
}

double SenseOp::max_coil_rss() const {
  // |c ⊙ S| = |S|: the checkerboard does not change the magnitudes. Relative to the largest
  // magnitude, so that maps far from unit scale do not overflow the squares.
  const at::Tensor magnitude = maps_.abs();
  const double largest = magnitude.max().item<double>();
  if (largest == 0 || !std::isfinite(largest)) return largest;
  return largest * at::sqrt((magnitude / largest).square().sum(1).max()).item<double>();
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

template <typename ChunkFn>
at::Tensor SenseOp::sum_over_coil_chunks(const ChunkFn& chunk) const {
  const int64_t coils = num_coils();
  const int64_t size = options_.coil_chunk() <= 0 ? coils : std::min(coils, options_.coil_chunk());
  at::Tensor out = chunk(0, size);
  for (int64_t c = size; c < coils; c += size) out.add_(chunk(c, std::min(size, coils - c)));
  return out;
}

at::Tensor SenseOp::adjoint_chunk(const at::Tensor& kspace, int64_t first, int64_t count) const {
  const at::Tensor k = kspace.narrow(1, first, count);
  const at::Tensor weighted =
      kspace_weight_.defined() ? k * narrow_unless_broadcast(kspace_weight_, 1, first, count).conj()
                               : k;
  return to_image(weighted).mul_(maps_.narrow(1, first, count).conj()).sum(1);
}

at::Tensor SenseOp::adjoint(const at::Tensor& kspace) const {
  return sum_over_coil_chunks(
      [&](int64_t first, int64_t count) { return adjoint_chunk(kspace, first, count); });
}

at::Tensor SenseOp::normal_chunk(const at::Tensor& image, int64_t first, int64_t count) const {
  const at::Tensor maps = maps_.narrow(1, first, count);
  at::Tensor k = to_kspace(image.unsqueeze(1) * maps);
  if (mask_power_.defined()) k.mul_(narrow_unless_broadcast(mask_power_, 1, first, count));
  return to_image(k).mul_(maps.conj()).sum(1);
}

at::Tensor SenseOp::normal(const at::Tensor& image) const {
  return sum_over_coil_chunks(
      [&](int64_t first, int64_t count) { return normal_chunk(image, first, count); });
}

SenseOp SenseOp::narrow_batch(int64_t start, int64_t length) const {
  return SenseOp(narrow_unless_broadcast(maps(), 0, start, length),
                 narrow_unless_broadcast(mask_, 0, start, length), options_);
}

}  // namespace melrecon::mri

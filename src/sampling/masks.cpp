#include "sampling/masks.h"

#include <ATen/ATen.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/random.h"
#include "core/tensor_checks.h"
#include "sampling/cine_lines.h"
#include "sampling/lines.h"
#include "sampling/poisson_mask.h"

namespace melrecon::sampling {
namespace {

constexpr double kPoissonTolerance = 0.05;

bool is_poisson(MaskKind k) { return k == MaskKind::volume3d || k == MaskKind::poisson2d; }
bool is_cine(MaskKind k) { return k == MaskKind::cine_vista || k == MaskKind::cine_random; }

template <typename... Args>
[[noreturn]] void usage(fmt::format_string<Args...> format, Args&&... args) {
  throw core::UsageError(fmt::format(format, std::forward<Args>(args)...));
}

const char* axis_names(MaskKind k) {
  if (k == MaskKind::volume3d) return "Z,Y,X";
  return is_cine(k) ? "T,Y,X" : "Y,X";
}

// The two sampled axes of the data shape (lines: frames or 1, then ky).
std::array<int64_t, 2> sampled_grid(const MaskOptions& o) {
  const auto& s = o.shape();
  switch (o.kind()) {
    case MaskKind::volume3d:
      return {s[0], s[1]};
    case MaskKind::poisson2d:
      return {s[0], s[1]};
    case MaskKind::lines2d:
      return {1, s[0]};
    case MaskKind::cine_vista:
    case MaskKind::cine_random:
      return {s[0], s[1]};
  }
  return {1, 1};
}

std::vector<int64_t> mask_shape(const MaskOptions& o) {
  const auto& s = o.shape();
  switch (o.kind()) {
    case MaskKind::volume3d:
      return {1, 1, s[0], s[1], 1};
    case MaskKind::poisson2d:
      return {1, 1, s[0], s[1]};
    case MaskKind::lines2d:
      return {1, 1, s[0], 1};
    case MaskKind::cine_vista:
    case MaskKind::cine_random:
      return {1, 1, s[0], s[1], 1};
  }
  return {};
}

constexpr int64_t kMaxPoissonLocations = int64_t{1024} * 1024;

// Samples the requested R allows (lines: rounded; Poisson: the search target).
int64_t budget(int64_t locations, double accel) {
  return std::max<int64_t>(1, std::llround(static_cast<double>(locations) / accel));
}

void validate(const MaskOptions& o) {
  const char* kind = core::choice_name(o.kind());
  const size_t rank = o.kind() == MaskKind::lines2d || o.kind() == MaskKind::poisson2d ? 2 : 3;
  if (o.shape().size() != rank) {
    usage("{} mask: shape needs {} sizes ({}), found {}", kind, rank, axis_names(o.kind()),
          core::shape_string(o.shape()));
  }
  for (int64_t n : o.shape()) {
    if (n < 1) usage("{} mask: shape {} has a size below 1", kind, core::shape_string(o.shape()));
  }
  if (!(o.accel() >= kMinAccel && o.accel() <= kMaxAccel)) {
    usage("{} mask: acceleration R = {} is outside [{}, {}]", kind, o.accel(), kMinAccel,
          kMaxAccel);
  }
  if (!(o.vd() >= 0.0 && std::isfinite(o.vd())))
    usage("{} mask: vd = {} must be >= 0", kind, o.vd());
  if (o.elliptical() && !is_poisson(o.kind())) {
    usage("{} mask: elliptical scanning applies to the Poisson-disc kinds (3d, 2d-poisson)", kind);
  }
  const auto grid = sampled_grid(o);
  // Poisson-disc sampling is a sequential search: a 1024x1024 grid takes ~5 s on one core,
  // 2048x2048 ~25 s, 4096x4096 minutes; phase-encoding grids of real acquisitions are far
  // smaller.
  if (is_poisson(o.kind()) && grid[0] * grid[1] > kMaxPoissonLocations) {
    usage(
        "{} mask: the sampled grid {}x{} has more than the {} locations a Poisson-disc mask may "
        "have (e.g. 1024x1024)",
        kind, grid[0], grid[1], kMaxPoissonLocations);
  }
  const int64_t locations = grid[0] * grid[1];
  const int64_t band_side = is_poisson(o.kind()) ? std::min(grid[0], grid[1]) : grid[1];
  if (o.calib() < 0 || o.calib() > band_side) {
    usage("{} mask: calibration size {} does not fit the sampled grid {}x{}", kind, o.calib(),
          grid[0], grid[1]);
  }
  const int64_t calib_locations = is_poisson(o.kind()) ? o.calib() * o.calib() : o.calib();
  const int64_t allowed = budget(locations, o.accel());
  if (calib_locations > allowed) {
    usage(
        "{} mask: the calibration region ({} locations) alone exceeds the {} samples that "
        "R = {} allows on a {}x{} grid",
        kind, calib_locations, allowed, o.accel(), grid[0], grid[1]);
  }
  const int64_t per_frame = std::max<int64_t>(1, (o.calib() + grid[0] - 1) / grid[0]);
  if (is_cine(o.kind()) && allowed / grid[0] < per_frame) {
    usage(
        "{} mask: R = {} leaves {} lines per frame, fewer than {} (at least one, and the "
        "calibration lines dealt to a frame)",
        kind, o.accel(), allowed / grid[0], per_frame);
  }
}

std::vector<uint8_t> pattern(const MaskOptions& o) {
  const auto grid = sampled_grid(o);
  core::Rng rng(o.seed());
  const int64_t allowed = budget(grid[0] * grid[1], o.accel());
  switch (o.kind()) {
    case MaskKind::volume3d:
    case MaskKind::poisson2d: {
      PoissonMaskOptions p;
      p.size(grid);
      p.accel(o.accel());
      p.calib(o.calib());
      p.elliptical(o.elliptical());
      p.vd(o.vd());
      p.seed(o.seed());
      PoissonMask m = poisson_disc_mask(p);
      const double r = static_cast<double>(grid[0] * grid[1]) / m.sampled;
      MELRECON_CHECK(
          std::abs(r / o.accel() - 1.0) <= kPoissonTolerance,
          "{} mask: the closest Poisson-disc R on a {}x{} grid is {:.3f}, not within {}% "
          "of the requested {} (elliptical scanning cannot go below R = 4/pi)",
          core::choice_name(o.kind()), grid[0], grid[1], r, 100 * kPoissonTolerance, o.accel());
      return m.samples;
    }
    case MaskKind::lines2d:
      return random_lines(grid[1], allowed, o.calib(), o.vd(), rng);
    case MaskKind::cine_vista:
      return cine_lines(grid[0], grid[1], allowed, o.calib(), o.vd(), CinePattern::vista, rng);
    case MaskKind::cine_random:
      return cine_lines(grid[0], grid[1], allowed, o.calib(), o.vd(), CinePattern::random, rng);
  }
  return {};
}

}  // namespace

Mask make_mask(const MaskOptions& options) {
  validate(options);
  std::vector<uint8_t> samples = pattern(options);
  Mask m;
  m.mask = at::from_blob(samples.data(), {static_cast<int64_t>(samples.size())}, at::kByte)
               .to(at::kFloat)
               .reshape(mask_shape(options));
  m.locations = m.mask.numel();
  m.sampled = static_cast<int64_t>(std::count(samples.begin(), samples.end(), 1));
  return m;
}

double acceleration(const at::Tensor& mask) {
  const int64_t sampled = (mask != 0).sum().item<int64_t>();
  MELRECON_CHECK(sampled > 0, "acceleration: the mask samples nothing");
  return static_cast<double>(mask.numel()) / static_cast<double>(sampled);
}

}  // namespace melrecon::sampling

// Shepp-Logan phantoms, 2D and 3D, with randomised ellipses so that a seed gives a new example.
//
// 2D: the modified Shepp-Logan of Toft (10 ellipses, intensities 1, −0.8, −0.2, −0.2, 0.1 ×6,
// added). 3D: its ellipsoid version (after Kak & Slaney; the table of Schabel's phantom3d).
// Randomisation (all uniform, from the seed): each ellipse's centre moves by up to ±0.02, its
// axes scale by [0.9, 1.1], its angle turns by up to ±8°, the inner ellipses' intensities
// (index ≥ 2) scale by [0.6, 1.4]; then the whole phantom scales by [0.8, 0.9], rotates by up to
// ±15° about z and shifts by up to ±0.04 in x and y; finally 0 to 4 small "lesions" (semi-axes
// 0.02–0.07, intensity −0.1 to 0.25) are added inside the brain ellipse. Everything stays inside
// the field of view [-1, 1]^d. Rasterised images are clamped at 0.
#pragma once

#include <ATen/core/Tensor.h>

#include <vector>

#include "core/random.h"
#include "sim/ellipses.h"

namespace melrecon::sim {

constexpr int kSheppLoganEllipses = 10;
constexpr int kMaxLesions = 4;

// The standard tables (2D: z centre 0 and z axis 1).
std::vector<Ellipsoid> shepp_logan(bool volume);

// A randomised phantom's shapes: kSheppLoganEllipses + 0..kMaxLesions ellipses.
std::vector<Ellipsoid> random_shepp_logan(bool volume, core::Rng& rng);

// Rasterised random phantom of `shape` ([Y, X] or [Z, Y, X]), float32 in [0, ~1.4].
at::Tensor shepp_logan_image(at::IntArrayRef shape, core::Rng& rng);

}  // namespace melrecon::sim

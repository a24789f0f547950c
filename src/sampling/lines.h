// Phase-encode lines along one axis of n lines, added to a 0/1 pattern `taken` (size n), with
// the variable-density law of kspace_grid.h: the probability of a line (or the local density of
// a lattice) is proportional to 1 / spacing_factor(ρ², vd), ρ the normalised distance from the
// centre.
#pragma once

#include <cstdint>
#include <vector>

#include "core/random.h"

namespace melrecon::sampling {

// Adds `count` lines drawn at random without replacement among the lines not yet taken
// (weighted sampling: the `count` largest keys log(u)/w, Efraimidis & Spirakis 2006).
void add_random_lines(std::vector<uint8_t>& taken, int64_t count, double vd, core::Rng& rng);

// Adds `count` lines at the quantiles (j + offset + jitter·(u − ½)) / count, j = 0..count−1, of
// the variable density: a stratified, variable-density lattice that `offset` ∈ [0, 1) shifts.
// A quantile landing on a taken line moves to the nearest free line.
void add_lattice_lines(std::vector<uint8_t>& taken, int64_t count, double offset, double jitter,
                       double vd, core::Rng& rng);

// fastMRI-style 1D mask: the `calib` central lines plus `count − calib` random lines.
std::vector<uint8_t> random_lines(int64_t n, int64_t count, int64_t calib, double vd,
                                  core::Rng& rng);

}  // namespace melrecon::sampling

// A `--shape` option: sizes separated by commas (or 'x'), e.g. 96,128,128 or 96x128x128,
// parsed here so that a bad value is one usage-error line naming the option.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace melrecon::app {

// Limits of a shape: each axis, and the voxels of one example (2^30 complex64 voxels are 8 GiB
// per coil: beyond any GPU's memory for training, and beyond a plan's reach).
constexpr int64_t kMaxAxisSize = 16384;
constexpr double kMaxVoxels = 1073741824.0;

// "96,128,128" -> {96, 128, 128}; a UsageError for anything else (empty, non-numbers, sizes
// below min_size or above kMaxAxisSize, more than kMaxVoxels voxels).
std::vector<int64_t> parse_shape(const std::string& text, const std::string& option = "--shape",
                                 int64_t min_size = 1);

// Adds `--tile` to a command that reconstructs with a trained model: the CNN's tiles, one size per
// image axis (0: uncut), in place of the trained model's model.tile; unset: the trained tiling.
CLI::Option* add_tile_option(CLI::App& cmd, std::optional<std::vector<int64_t>>& tile);

// The help of `--coil-chunk` where it replaces a trained model's model.coil_chunk (recon, eval).
constexpr const char* kModelCoilChunkHelp =
    "Coils processed at once by the model's data consistency, in place of its model.coil_chunk; "
    "lowers memory";

}  // namespace melrecon::app

#include "calib/options.h"

#include "core/error.h"

namespace melrecon::calib {

double CoilMapOptions::crop_value() const {
  if (crop_) return *crop_;
  return method_ == Method::espirit ? 0.8 : 0.05;
}

void CoilMapOptions::validate() const {
  MELRECON_CHECK(calib_size_ >= 1, "coil maps: calibration size must be >= 1, found {}",
                 calib_size_);
  MELRECON_CHECK(kernel_size_ >= 1 && kernel_size_ <= calib_size_,
                 "coil maps: kernel size must be in [1, calibration size {}], found {}",
                 calib_size_, kernel_size_);
  MELRECON_CHECK(threshold_ >= 0 && threshold_ < 1,
                 "coil maps: threshold must be in [0, 1), found {}", threshold_);
  MELRECON_CHECK(crop_value() >= 0 && crop_value() <= 1,
                 "coil maps: crop must be in [0, 1], found {}", crop_value());
  MELRECON_CHECK(pixel_chunk_ >= 1, "coil maps: pixel chunk must be >= 1, found {}", pixel_chunk_);
}

}  // namespace melrecon::calib

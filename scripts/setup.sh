#!/usr/bin/env bash
# Installs what melrecon needs (Debian 12 packages) and builds it (Release) into build/.
# Idempotent: when everything is installed and built, it only checks and returns in seconds.
# Environment: BUILD_DIR (default build), MELRECON_JOBS (default: number of cores).
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  cmake ninja-build g++ pkg-config
  libtorch-dev libhdf5-dev libismrmrd-dev libpng-dev libgtest-dev libbenchmark-dev
  libcli11-dev libfmt-dev nlohmann-json3-dev
  bart ismrmrd-tools          # reference tools used by the tests, never at run time
  python3-skimage python3-numpy  # reference SSIM/PSNR used by a test
  zlib1g-dev                     # .nii.gz sources for `melrecon simulate`
  mricron-data                   # Colin27 T1 brain (ch2.nii.gz), real anatomy for a simulate test
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

BUILD_DIR=${BUILD_DIR:-build}
JOBS=${MELRECON_JOBS:-$(nproc)}
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$BUILD_DIR" -j "$JOBS"

#!/usr/bin/env bash
# Installs what melrecon needs and builds it (Release) into build/:
#   - Debian 12 packages: compilers, CMake/Ninja, ccache, Python's headers (for the Python
#     module), HDF5, ISMRMRD, libpng, zlib, CLI11, nlohmann-json, GoogleTest, and bart (a
#     reference in tests, never used at run time);
#   - a Python virtual environment .venv (git-ignored) with the pinned torch of
#     scripts/requirements.txt, whose LibTorch melrecon builds against, and the Python packages
#     the tests and benchmarks use.
# Usage: scripts/setup.sh [target...]   builds only those CMake targets (default: all).
# Idempotent: when everything is installed and built it only checks, in a few seconds.
# Environment:
#   MELRECON_PYTHON  a Python whose torch (>= 2.4) to build against instead of .venv's: your own
#                    environment's (only the Debian packages are installed then)
#   BUILD_DIR        build folder (default build); MELRECON_JOBS parallel jobs (default: cores)
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  cmake ninja-build g++ pkg-config ccache python3-venv python3-dev
  libhdf5-dev libismrmrd-dev libpng-dev zlib1g-dev libgtest-dev libcli11-dev nlohmann-json3-dev
  bart ismrmrd-tools   # reference tools used by the tests, never at run time
  clang libclang-rt-14-dev  # libFuzzer and the sanitizers (scripts/fuzz.sh)
  clang-format         # the one formatter (scripts/format.sh; checked by scripts/test.sh)
  mricron-data         # Colin27 T1 brain (ch2.nii.gz), real anatomy for a simulate test
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

# The Python environment: rebuilt only when scripts/requirements.txt changed.
if [ -n "${MELRECON_PYTHON:-}" ]; then
  PYTHON=$MELRECON_PYTHON
else
  PYTHON=$PWD/.venv/bin/python
  if ! cmp -s scripts/requirements.txt .venv/requirements.installed 2>/dev/null; then
    echo "setup: installing the Python packages of scripts/requirements.txt into .venv (torch is a few GB)"
    [ -x "$PYTHON" ] || python3 -m venv .venv
    .venv/bin/pip install -q --disable-pip-version-check -r scripts/requirements.txt
    cp scripts/requirements.txt .venv/requirements.installed
  fi
fi

BUILD_DIR=${BUILD_DIR:-build}
JOBS=${MELRECON_JOBS:-$(nproc)}
if [ ! -f "$BUILD_DIR/build.ninja" ] || ! grep -qxF "Python3_EXECUTABLE:FILEPATH=$PYTHON" "$BUILD_DIR/CMakeCache.txt"; then
  torch_prefix=$("$PYTHON" -c 'import torch; print(torch.utils.cmake_prefix_path)') || {
    echo "setup: $PYTHON cannot import torch (set MELRECON_PYTHON to a Python that has torch)" >&2
    exit 1
  }
  # With our own CUDA-enabled torch and a CUDA toolkit here, the CUDA path must build; with our
  # own Python and its headers, the Python module.
  require_cuda=OFF
  [ -z "${MELRECON_PYTHON:-}" ] && command -v nvcc >/dev/null && require_cuda=ON
  require_python=OFF
  [ -z "${MELRECON_PYTHON:-}" ] && require_python=ON
  mkdir -p "$BUILD_DIR"
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$torch_prefix" \
    -DPython3_EXECUTABLE="$PYTHON" -DMELRECON_REQUIRE_CUDA=$require_cuda \
    -DMELRECON_REQUIRE_PYTHON_MODULE=$require_python > "$BUILD_DIR/configure.log" 2>&1 || {
    tail -n 30 "$BUILD_DIR/configure.log" >&2
    exit 1
  }
fi
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$BUILD_DIR" -j "$JOBS" "${targets[@]}"

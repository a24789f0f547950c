#!/usr/bin/env bash
# The whole test suite under AddressSanitizer and UndefinedBehaviorSanitizer (melrecon's code
# instrumented; LibTorch is not). Builds into build-asan/ (Debug with optimisation, so the suite
# stays within minutes), then runs CTest there. Not part of CI (it doubles the build); run it
# before a release and after changing a reader or a hand-written kernel.
# Usage: scripts/sanitize.sh [ctest arguments, e.g. -R Cfl]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh melrecon >/dev/null
PYTHON=${MELRECON_PYTHON:-$PWD/.venv/bin/python}
BUILD=build-asan
if [ ! -f "$BUILD/build.ninja" ]; then
  mkdir -p "$BUILD"
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" -DMELRECON_BUILD_BENCH=OFF \
    -DPython3_EXECUTABLE="$PYTHON" \
    -DCMAKE_PREFIX_PATH="$("$PYTHON" -c 'import torch; print(torch.utils.cmake_prefix_path)')" \
    > "$BUILD/configure.log" 2>&1 || { tail -n 30 "$BUILD/configure.log" >&2; exit 1; }
fi
cmake --build "$BUILD" -j "${MELRECON_JOBS:-$(nproc)}"
# LibTorch's and HDF5's global state is not freed at exit: leaks there are not ours.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1
ctest --test-dir "$BUILD" --output-on-failure -j "${MELRECON_JOBS:-$(nproc)}" "$@"

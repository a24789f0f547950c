#!/usr/bin/env bash
# Set up if needed, build, and run the whole test suite (GoogleTest through CTest).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j "${MELRECON_JOBS:-$(nproc)}" "$@"

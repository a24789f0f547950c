#!/usr/bin/env bash
# Set up if needed, check the formatting (scripts/format.sh --check), build, run the whole test
# suite (GoogleTest through CTest), then fuzz every reader of user files for a fixed number of
# executions (scripts/fuzz.sh; SKIP_FUZZ=1 skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/format.sh --check
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j "${MELRECON_JOBS:-$(nproc)}" "$@"
if [ -z "${SKIP_FUZZ:-}" ]; then
  scripts/fuzz.sh
fi

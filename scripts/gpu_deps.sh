#!/usr/bin/env bash
# Run on a Debian machine: fetches what an offline GPU machine's build needs besides LibTorch and
# unpacks it into .deps/root (ignored by git): CLI11 and nlohmann-json with their CMake packages,
# and GoogleTest's sources (the GPU build compiles them with LibTorch's flags). fmt comes with
# LibTorch. Copy .deps with the tree; scripts/gpu_check.sh finds it there.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf .deps/debs .deps/root
mkdir -p .deps/debs .deps/root
(cd .deps/debs && apt-get download libcli11-dev nlohmann-json3-dev googletest)
for deb in .deps/debs/*.deb; do dpkg -x "$deb" .deps/root; done
rm -rf .deps/debs .deps/root/usr/share/doc
du -sh .deps/root

#!/usr/bin/env bash
# The GPU validation, in two stages of under 10 minutes each, on a machine with an NVIDIA GPU, a
# pip-installed CUDA torch and no network: run scripts/gpu_deps.sh where Debian's packages are
# reachable, copy the tree with its .deps folder to the GPU machine, then there
#   bash scripts/gpu_check.sh build
#   bash scripts/gpu_check.sh bench
# build: configure against the Python torch's CUDA LibTorch, build, run the CUDA tests and the
#        gradient/tiling/precision suites on the GPU machine.
# bench: melrecon's bench/mel_memory at full sizes (native conv3d and the
#        depth-major node), `melrecon plan` for the whole
#        knee, and the PyTorch reference (bench/pytorch_modl.py) in the same call.
# Everything is written to $OUT (default runs/gpu).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-runs/gpu}
mkdir -p "$OUT"
stage=${1:-build}
say() { echo "== $(date +%T) $*" | tee -a "$OUT/summary.txt"; }

if [ "$stage" = build ]; then
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$OUT/gpu.txt"
  torch_prefix=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
  python3 -c 'import torch;print("torch", torch.__version__, "cuda", torch.version.cuda)' | tee -a "$OUT/summary.txt"
  say configure
  cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$torch_prefix;$PWD/.deps/root/usr" -DMELRECON_REQUIRE_CUDA=ON \
    -DPython3_EXECUTABLE="$(command -v python3)" \
    -DMELRECON_GTEST_SOURCE="$PWD/.deps/root/usr/src/googletest" > "$OUT/configure.log" 2>&1 \
    || { tail -40 "$OUT/configure.log"; exit 1; }
  grep "melrecon:" "$OUT/configure.log" | tee -a "$OUT/summary.txt"
  say build
  cmake --build build-gpu -j "$(nproc)" > "$OUT/build.log" 2>&1 \
    || { grep -m 20 -A 6 "error" "$OUT/build.log"; exit 1; }
  say tests
  (cd build-gpu && timeout 300 ctest -j 4 --output-on-failure \
    -R 'Cuda|HostOffload|Strategies|MelMemory|Tiled|MixedPrecision|DataConsistency|Dc|UNet|Sense' \
    > "$OUT/ctest.log" 2>&1)
  tail -n 15 "$OUT/ctest.log" | tee -a "$OUT/summary.txt"
  grep -h "CUDA peak" build-gpu/Testing/Temporary/LastTest.log | tee -a "$OUT/summary.txt"
elif [ "$stage" = bench ]; then
  B=build-gpu/bench/mel_memory
  say "mel_memory: slab and cine, untiled, 1/5/10 unrolls"
  timeout 240 $B --scale full --device cuda --cases 3d-slab cine 2d --strategies full mel \
    --unrolls 1 5 10 --repeats 3 --skip-full-above 60e9 | tee "$OUT/mel_memory_full.txt"
  say "mel_memory: the depth-major convolution node on CUDA (model.conv3d=depth-major)"
  timeout 150 $B --scale full --device cuda --cases 3d-slab cine --strategies mel \
    --unrolls 1 10 --conv3d depth-major --repeats 3 | tee "$OUT/mel_memory_depth_major.txt"
  say "mel_memory: bfloat16, tiled, offloaded"
  timeout 120 $B --scale full --device cuda --cases 3d-slab cine --strategies mel --unrolls 10 \
    --precision bfloat16 --repeats 3 | tee "$OUT/mel_memory_bf16.txt"
  say "PyTorch reference, same GPU"
  for case in 3d-slab cine; do
    timeout 120 python3 bench/pytorch_modl.py --device cuda --scale full --case "$case" \
      --unrolls 1,5,10 --variants plain,mel,mel-best --repeats 3 | tee "$OUT/pytorch_$case.txt"
  done
  say "whole knee 256x320x320, 10 unrolls: plan"
  timeout 150 build-gpu/app/melrecon plan --device cuda --kind 3d --shape 256,320,320 --coils 8 \
    --unrolls 10 --strategies mel --tile 0,64,64 0,160,160 --precisions float32 bfloat16 \
    --budget 8GiB | tee "$OUT/plan_knee.txt"
else
  echo "usage: scripts/gpu_check.sh build|bench" >&2
  exit 2
fi

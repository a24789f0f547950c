#!/usr/bin/env bash
# The GPU validation on a machine with an NVIDIA GPU, a pip-installed CUDA torch and no network,
# in stages that each end within 10 minutes: run scripts/gpu_deps.sh where Debian's packages are
# reachable, copy the tree with its .deps folder to the GPU machine, then there
#   bash scripts/gpu_check.sh build       (a few minutes on 16 cores)
#   bash scripts/gpu_check.sh bench       (at most 7 minutes)
#   bash scripts/gpu_check.sh reference   (at most 7 minutes)
# build:     configure against the Python torch's CUDA LibTorch, build everything, run the CUDA
#            tests, then the command line end to end on the GPU: simulate, train on cuda, resume,
#            evaluate on cuda and on the CPU (a GPU-written checkpoint read without one), plan.
# bench:     melrecon's bench/mel_memory at full sizes: float32 (native conv3d), the depth-major
#            node, bfloat16 with stored inputs offloaded to host memory.
# reference: the PyTorch MoDL (bench/pytorch_modl.py) at the same sizes, and `melrecon plan` for
#            the whole knee.
# Everything is written to $OUT (default runs/gpu); build-gpu/ must survive between the stages.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-runs/gpu}
mkdir -p "$OUT"
stage=${1:-build}
M=build-gpu/app/melrecon
DEADLINE=$((SECONDS + 570))  # each stage ends within the 10 minutes a command may take
limit() {                    # seconds: at most $1, and no later than the deadline
  local s=$((DEADLINE - SECONDS))
  ((s > $1)) && s=$1
  echo $((s > 1 ? s : 1))
}
say() { echo "== $(date +%T) $*" | tee -a "$OUT/summary.txt"; }
need_build() {
  [ -x "$M" ] || { echo "gpu_check: no $M; run 'scripts/gpu_check.sh build' first" >&2; exit 1; }
}

if [ "$stage" = build ]; then
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$OUT/gpu.txt"
  [ -x /usr/local/cuda/bin/nvcc ] && PATH=$PATH:/usr/local/cuda/bin
  command -v nvcc > /dev/null || {
    echo "gpu_check: no nvcc: LibTorch's CMake needs the CUDA toolkit; put its bin on PATH" |
      tee -a "$OUT/summary.txt"
    exit 1
  }
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
  timeout "$(limit 400)" cmake --build build-gpu -j "$(nproc)" > "$OUT/build.log" 2>&1 \
    || { grep -m 20 -A 6 "error" "$OUT/build.log"; exit 1; }
  $M version | tee -a "$OUT/summary.txt"
  say "CUDA tests"
  (cd build-gpu && timeout "$(limit 150)" ctest -j 4 --output-on-failure -R '^(Cuda|HostOffload)' \
    > "$OUT/ctest.log" 2>&1)
  tail -n 15 "$OUT/ctest.log" | tee -a "$OUT/summary.txt"
  grep -h "CUDA peak" build-gpu/Testing/Temporary/LastTest.log | tee -a "$OUT/summary.txt"
  say "end to end: simulate, train 30 steps on cuda, resume to 40, eval on cuda and (GPU hidden) cpu, plan"
  T=$(mktemp -d)
  {
    timeout "$(limit 30)" $M simulate --kind cine --shape 12,48,48 --cases 6 --coils 8 --snr 30 \
      --seed 1 --out "$T/train" &&
      timeout "$(limit 30)" $M simulate --kind cine --shape 12,48,48 --cases 2 --coils 8 \
        --snr 30 --seed 2 --out "$T/test" &&
      timeout "$(limit 120)" $M train --data "$T/train" --run "$T/run" --steps 30 --device cuda \
        --strategy mel --set model.unrolls=4 --set model.features=16 --set sampling.accel=6 \
        --set run.progress=false &&
      timeout "$(limit 60)" $M train --run "$T/run" --resume --steps 40 &&
      timeout "$(limit 60)" $M eval --data "$T/test" --model "$T/run" --device cuda \
        --methods zero-filled modl &&
      CUDA_VISIBLE_DEVICES="" timeout "$(limit 60)" $M eval --data "$T/test" --model "$T/run" \
        --device cpu --methods modl &&
      timeout "$(limit 60)" $M plan --device cuda --kind cine --shape 20,256,256 --unrolls 10 \
        --strategies mel
  } > "$OUT/end_to_end.txt" 2>&1
  echo "end to end: exit $? (log in end_to_end.txt)" | tee -a "$OUT/summary.txt"
  tail -n 25 "$OUT/end_to_end.txt"
  rm -rf "$T"
elif [ "$stage" = bench ]; then
  need_build
  B=build-gpu/bench/mel_memory
  say "mel_memory: slab, cine and 2D, untiled, 1/5/10 unrolls"
  timeout 200 $B --scale full --device cuda --cases 3d-slab cine 2d --strategies full mel \
    --unrolls 1 5 10 --repeats 3 --skip-full-above 60e9 | tee "$OUT/mel_memory_full.txt"
  say "mel_memory: the depth-major convolution node on CUDA (model.conv3d=depth-major)"
  timeout 110 $B --scale full --device cuda --cases 3d-slab cine --strategies mel \
    --unrolls 1 10 --conv3d depth-major --repeats 3 | tee "$OUT/mel_memory_depth_major.txt"
  say "mel_memory: bfloat16, stored inputs offloaded to pinned host memory"
  timeout 90 $B --scale full --device cuda --cases 3d-slab cine --strategies mel --unrolls 10 \
    --precision bfloat16 --offload --repeats 3 | tee "$OUT/mel_memory_bf16.txt"
elif [ "$stage" = reference ]; then
  need_build
  say "PyTorch reference, same GPU"
  for case in 3d-slab cine; do
    timeout 130 python3 bench/pytorch_modl.py --device cuda --scale full --case "$case" \
      --unrolls 1,5,10 --variants plain,mel,mel-best --repeats 3 | tee "$OUT/pytorch_$case.txt"
  done
  say "whole knee 256x320x320, 10 unrolls: plan"
  timeout 150 $M plan --device cuda --kind 3d --shape 256,320,320 --coils 8 \
    --unrolls 10 --strategies mel --tile 0,64,64 0,160,160 --precisions float32 bfloat16 \
    --budget 8GiB | tee "$OUT/plan_knee.txt"
else
  echo "usage: scripts/gpu_check.sh build|bench|reference" >&2
  exit 2
fi

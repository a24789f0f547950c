#!/usr/bin/env bash
# MoDL against the variational network, trained by the same command for the same steps, on
# the demo's cine set (scripts/demo.sh: 12 frames of 48x48, 8 coils, R = 6) and a small 3D set
# (16x48x48, Poisson-disc at R = 8, SSIM loss), each evaluated on held-out cases.
# Prints one Markdown table per set: PSNR, SSIM (mean ± sd over the test cases), seconds per
# training step and the step's peak memory (counting allocator). The two architectures of a
# set train at the same time, one thread each.
# STEPS (default 250), KINDS (default "cine 3d"), OUT (default runs/architectures); MELRECON
# names a prebuilt binary.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${MELRECON:-}" ]; then scripts/setup.sh melrecon >/dev/null; fi
B=${MELRECON:-build/app/melrecon}
PY=${PYTHON:-.venv/bin/python}
export OMP_NUM_THREADS=1
OUT=${OUT:-runs/architectures}
STEPS=${STEPS:-250}
KINDS=${KINDS:-cine 3d}

train_and_eval() {  # dir arch [train options...]
  local dir=$1 arch=$2
  shift 2
  $B train --data "$dir/train" --run "$dir/$arch" --arch "$arch" --steps "$STEPS" --strategy mel \
    --set run.threads=1 --set run.progress=false --set run.val_every="$STEPS" \
    --set data.val_examples=2 "$@" > "$dir/$arch.log" 2>&1
  $B eval --data "$dir/test" --model "$dir/$arch" --methods "$arch" \
    --json "$dir/eval_$arch.json" > "$dir/eval_$arch.log" 2>&1
}

experiment() {  # kind shape train_cases test_cases [train options...]
  local kind=$1 shape=$2 train_cases=$3 test_cases=$4 dir=$OUT/$1
  shift 4
  rm -rf "$dir" && mkdir -p "$dir"
  $B simulate --kind "$kind" --shape "$shape" --cases "$train_cases" --coils 8 --snr 30 --seed 1 \
    --out "$dir/train" > /dev/null
  $B simulate --kind "$kind" --shape "$shape" --cases "$test_cases" --coils 8 --snr 30 --seed 2 \
    --out "$dir/test" > /dev/null
  for arch in modl varnet; do train_and_eval "$dir" "$arch" "$@" & done
  wait
}

table() {  # dir
  "$PY" - "$1" <<'EOF'
import json, re, statistics, sys
d = sys.argv[1]
print("| network | PSNR [dB] | SSIM | s / step | peak memory [MiB] |")
print("|---|---|---|---|---|")
for arch in ("modl", "varnet"):
    row = json.load(open(f"{d}/eval_{arch}.json"))[0]
    log = open(f"{d}/{arch}.log").read()
    m = re.search(r"trained (\d+) steps in (\d+) s: .* peak memory ([\d.]+) MiB", log)
    steps, seconds, peak = int(m.group(1)), float(m.group(2)), float(m.group(3))
    sd = lambda v: statistics.stdev(v) if len(v) > 1 else 0.0
    print(f"| {arch} | {statistics.mean(row['psnr']):.2f} ± {sd(row['psnr']):.2f} | "
          f"{statistics.mean(row['ssim']):.3f} ± {sd(row['ssim']):.3f} | {seconds / steps:.2f} | "
          f"{peak:.1f} |")
EOF
}

for kind in $KINDS; do
  case $kind in
    cine) experiment cine 12,48,48 8 3 --set model.unrolls=4 --set model.features=16 \
            --set sampling.accel=6 --set sampling.calib=12 ;;
    3d) experiment 3d 16,48,48 10 4 --set model.unrolls=5 --set model.features=16 \
          --set sampling.accel=8 --set sampling.calib=8 --set optim.loss=ssim ;;
    *) echo "unknown kind $kind (cine, 3d)" >&2; exit 2 ;;
  esac
  echo "== $kind ($STEPS steps)"
  table "$OUT/$kind"
done

#!/usr/bin/env bash
# The main job end to end on built-in defaults, in a few minutes on a 2-core CPU:
#   1. simulate a small 2D+time cardiac cine training set and a held-out test set
#      (beating-heart phantom, 8 Biot-Savart coils, SNR 30);
#   2. train MoDL (3D convolutions over t,y,x; 4 unrolls) with memory-efficient learning at R = 6;
#   3. evaluate on the held-out series: zero-filled, CG-SENSE, compressed sensing with bart
#      (cs-wavelet and cs-temporal-tv, when bart is installed) and MoDL, print the table and
#      write PNG comparisons (reference | baselines | MoDL | 5x MoDL error).
# Everything lands in runs/demo/ (OUT=... to change). Set-up runs first if needed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh melrecon >/dev/null   # only the command-line tool, not the tests
MELRECON=build/app/melrecon
OUT=${OUT:-runs/demo}
STEPS=${STEPS:-250}
rm -rf "$OUT"
mkdir -p "$OUT"

echo "== 1/3 simulate cine data (12 frames of 48x48, 8 coils) -> $OUT/train, $OUT/test"
$MELRECON simulate --kind cine --shape 12,48,48 --cases 8 --coils 8 --snr 30 --seed 1 --out "$OUT/train"
$MELRECON simulate --kind cine --shape 12,48,48 --cases 3 --coils 8 --snr 30 --seed 2 --out "$OUT/test"

echo "== 2/3 train MoDL with MEL, R = 6 ($STEPS steps) -> $OUT/run"
$MELRECON train --data "$OUT/train" --run "$OUT/run" --steps "$STEPS" --strategy mel \
  --set model.unrolls=4 --set model.features=16 --set sampling.accel=6 --set sampling.calib=12 \
  --set run.val_every=50 --set data.val_examples=2 --set optim.lr=0.001

echo "== 3/3 evaluate on the held-out series -> $OUT/results.md, $OUT/png/"
PNG=()  # comparison pictures where the build has libpng
[[ $($MELRECON version) == *"PNG previews: yes"* ]] && PNG=(--png "$OUT/png")
$MELRECON eval --data "$OUT/test" --model "$OUT/run" "${PNG[@]}" --markdown "$OUT/results.md" \
  --json "$OUT/results.json"

#!/usr/bin/env bash
# Image-quality experiment behind docs/results.md (CPU-sized): for a simulated 3D set and a
# simulated cine set at R = 8, train MoDL with MEL using (a) 3D / 2D+t convolutions and (b) a
# slice- / frame-wise 2D network, for the same number of steps, then evaluate both with the
# baselines (zero-filled, CG-SENSE, bart pics -l1) on held-out cases.
# Output: $OUT/{3d,cine}/{net3d,net2d}/ runs and $OUT/{3d,cine}/results_{net3d,net2d}.md.
# Every (kind, network) pair trains in its own process, one thread each. STEPS (default 400) sets
# the length; MELRECON names a prebuilt binary (e.g. a copy, so a rebuild cannot disturb the run).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${MELRECON:-}" ]; then scripts/setup.sh >/dev/null; fi
B=${MELRECON:-build/app/melrecon}
PNG=false  # comparison pictures where the build has libpng
[[ $($B version) == *"PNG previews: yes"* ]] && PNG=true
export OMP_NUM_THREADS=1
OUT=${OUT:-runs/quality}
STEPS=${STEPS:-400}
COMMON=(--steps "$STEPS" --strategy mel --set model.unrolls=5 --set model.features=16
        --set sampling.accel=8 --set run.val_every=100 --set data.val_examples=2
        --set run.progress=false)
KINDS=${KINDS:-3d cine}

experiment() {  # kind shape calib loss
  local kind=$1 shape=$2 calib=$3 loss=$4 dir=$OUT/$1
  rm -rf "$dir" && mkdir -p "$dir"
  $B simulate --kind "$kind" --shape "$shape" --cases 10 --coils 8 --snr 30 --seed 11 --out "$dir/train"
  $B simulate --kind "$kind" --shape "$shape" --cases 4 --coils 8 --snr 30 --seed 12 --out "$dir/test"
  for net in net3d net2d; do
    train_and_eval "$dir" "$net" "$calib" "$loss" &
  done
  wait
}

train_and_eval() {  # dir net calib loss
  local dir=$1 net=$2 calib=$3 loss=$4 dims=auto methods=modl
  [ "$net" = net2d ] && dims=2d
  [ "$net" = net3d ] && methods=zero-filled,cg-sense,cs-wavelet,modl
  $B train --data "$dir/train" --run "$dir/$net" --dims "$dims" "${COMMON[@]}" \
    --set sampling.calib="$calib" --set optim.loss="$loss" > "$dir/$net.log" 2>&1
  local png=()
  $PNG && png=(--png "$dir/png_$net")
  $B eval --data "$dir/test" --model "$dir/$net" --methods "$methods" \
    --markdown "$dir/results_$net.md" --json "$dir/results_$net.json" "${png[@]}" \
    > "$dir/eval_$net.log" 2>&1
}

# 3D: Poisson-disc over (kz, ky) of 16 x 48 with an 8 x 8 calibration square, SSIM loss (the
# phantom's empty background makes SSIM sensitive to residual noise that an L1 loss leaves);
# cine: 16 frames, 12 calibration lines shared out over the frames, L1 loss.
for kind in $KINDS; do
  case $kind in
    3d) experiment 3d 16,48,48 8 ssim > "$OUT.3d.log" 2>&1 & ;;
    cine) experiment cine 16,48,48 12 l1 > "$OUT.cine.log" 2>&1 & ;;
  esac
done
wait
for kind in $KINDS; do
  echo "== $kind"
  cat "$OUT/$kind/results_net3d.md"
  tail -n 1 "$OUT/$kind/results_net2d.md" | sed 's/| modl |/| modl (2D network) |/'
done

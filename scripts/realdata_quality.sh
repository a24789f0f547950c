#!/usr/bin/env bash
# Image quality on the real-anatomy benchmark (scripts/realdata.sh, docs/data.md) at R = 8: per
# kind, MoDL with MEL and (a) 2D+t / 3D convolutions, (b) a frame- / slice-wise 2D network, the
# same budget each, trained on readout slabs (data.slab) of the training split and validated on
# whole series / volumes of the validation split; then `melrecon eval` on the test split against
# zero-filled, CG-SENSE and compressed sensing, their weights tuned on the validation split.
# Output: $OUT/<kind>/{net3d,net2d}/ runs, results_<net>.md / .json, PNG sheets, logs.
# Environment (defaults for the 2-core CPU; on a GPU e.g. DEVICE=cuda STEPS=3000 FEATURES=64
# FINE_STEPS=1000 FINE_UNROLLS=10):
#   DATA (data/realdata)  OUT (runs/realdata)  KINDS ("cine 3d")  DEVICE (cpu)  STEPS (300)
#   UNROLLS (5)  FEATURES (32)  NET (cnn, or unet)  FLIP (false: data.flip augmentation)
#   LR (0.001)  CYCLIC (true: the cine 2D+t CNN pads time cyclically, model.cyclic_depth)
#   CINE_SLAB (32)  SLAB_3D (16)  MAX_EXAMPLES (0: the whole test split)
#   FINE_STEPS (0: none)  FINE_UNROLLS (10): then continue each network with FINE_UNROLLS unrolls
#     for FINE_STEPS steps from its weights (model.init, fresh Adam at LR/4, 10 warm-up steps),
#     as MoDL's authors trained; eval scores the continued network
#   MELRECON: a prebuilt binary (e.g. a copy, so that a rebuild cannot disturb a long run)
# On the CPU every (kind, network) pair trains in its own process with one thread.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${MELRECON:-}" ]; then scripts/setup.sh melrecon >/dev/null; fi
B=${MELRECON:-build/app/melrecon}
PNG=false  # comparison pictures where the build has libpng
[[ $("$B" version) == *"PNG previews: yes"* ]] && PNG=true
DATA=${DATA:-data/realdata}
OUT=${OUT:-runs/realdata}
DEVICE=${DEVICE:-cpu}
STEPS=${STEPS:-300}
KINDS=${KINDS:-cine 3d}
[ -d "$DATA/cine/train" ] && [ -d "$DATA/brain3d/train" ] ||
  { echo "realdata_quality: no benchmark in $DATA (run scripts/realdata.sh)" >&2; exit 1; }
[ "$DEVICE" = cpu ] && export OMP_NUM_THREADS=1

COMMON=(--strategy mel --device "$DEVICE"
        --set model.unrolls="${UNROLLS:-5}" --set model.features="${FEATURES:-32}"
        --set model.net="\"${NET:-cnn}\"" --set data.flip="${FLIP:-false}"
        --set optim.lr="${LR:-0.001}" --set sampling.accel=8 --set run.val_every=100
        --set data.val_examples=2
        --set optim.warmup_steps=20 --set run.progress=false)

timed() {  # file command...: its wall time, and its peak memory where GNU time is installed
  local file=$1 start=$SECONDS rc=0
  shift
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%e s, %M KiB" -o "$file" "$@"
    return
  fi
  "$@" || rc=$?
  echo "$((SECONDS - start)) s" > "$file"
  return $rc
}

train_and_eval() {  # kind data-folder net slab methods
  local kind=$1 data=$2 net=$3 slab=$4 methods=$5 dir=$OUT/$1 dims=auto cyclic=false
  [ "$net" = net2d ] && dims=2d
  [ "$kind" = cine ] && [ "$net" = net3d ] && [ "${NET:-cnn}" = cnn ] && cyclic=${CYCLIC:-true}
  local png=()
  $PNG && png=(--png "$dir/png_$net")
  mkdir -p "$dir"
  rm -rf "${dir:?}/$net" "$dir/results_$net".*
  local args=(--data "$data/train" --set data.val="\"$data/val\"" --dims "$dims"
              --set data.slab="$slab" --set model.cyclic_depth="$cyclic" "${COMMON[@]}")
  timed "$dir/$net.time" "$B" train --run "$dir/$net" --steps "$STEPS" "${args[@]}" \
    > "$dir/$net.log" 2>&1
  local model=$dir/$net
  if [ "${FINE_STEPS:-0}" -gt 0 ]; then
    model=$dir/${net}_fine
    rm -rf "${model:?}"
    timed "$model.time" "$B" train --run "$model" --steps "$FINE_STEPS" "${args[@]}" \
      --set model.unrolls="${FINE_UNROLLS:-10}" --set model.init="\"$dir/$net\"" \
      --set optim.lr="$(awk "BEGIN { print ${LR:-0.001} / 4 }")" --set optim.warmup_steps=10 \
      > "$model.log" 2>&1
  fi
  "$B" eval --data "$data/test" --tune-data "$data/val" --model "$model" --methods "$methods" \
    --device "$DEVICE" --max-examples "${MAX_EXAMPLES:-0}" --markdown "$dir/results_$net.md" \
    --json "$dir/results_$net.json" "${png[@]}" > "$dir/eval_$net.log" 2>&1
}

for kind in $KINDS; do
  pids=()
  case $kind in
    cine)
      train_and_eval cine "$DATA/cine" net3d "${CINE_SLAB:-32}" \
        zero-filled,cg-sense,cs-wavelet,cs-temporal-tv,cs-temporal-tv-wavelet,modl &
      pids+=($!)
      train_and_eval cine "$DATA/cine" net2d "${CINE_SLAB:-32}" modl &
      pids+=($!)
      ;;
    3d)
      train_and_eval 3d "$DATA/brain3d" net3d "${SLAB_3D:-16}" zero-filled,cg-sense,cs-wavelet,modl &
      pids+=($!)
      train_and_eval 3d "$DATA/brain3d" net2d "${SLAB_3D:-16}" modl &
      pids+=($!)
      ;;
    *) echo "realdata_quality: unknown kind '$kind' (cine or 3d)" >&2; exit 1 ;;
  esac
  for pid in "${pids[@]}"; do  # a failed run stops the script (its log is in $OUT/$kind)
    wait "$pid" || { echo "realdata_quality: a $kind run failed, see $OUT/$kind/*.log" >&2; exit 1; }
  done
done
for kind in $KINDS; do
  echo "== $kind (training: $(cat "$OUT/$kind/net3d.time"); 2D network: $(cat "$OUT/$kind/net2d.time"))"
  if [ "${FINE_STEPS:-0}" -gt 0 ]; then
    echo "   continued with ${FINE_UNROLLS:-10} unrolls: $(cat "$OUT/$kind/net3d_fine.time"); 2D network: $(cat "$OUT/$kind/net2d_fine.time")"
  fi
  cat "$OUT/$kind/results_net3d.md"
  tail -n 1 "$OUT/$kind/results_net2d.md" | sed 's/| modl |/| modl (2D network) |/'
done

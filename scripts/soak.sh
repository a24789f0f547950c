#!/usr/bin/env bash
# Soak test of training's crash safety (not in CI): a run killed with SIGKILL at random moments,
# and run on a small file system that is filled up at random moments, is resumed again and again
# until it is done; its final checkpoint must be byte-identical to an uninterrupted run's, and no
# temporary file may be left. Needs root for the small tmpfs (disk-full moments); without it only
# the kills are tried.
# Usage: scripts/soak.sh [minutes, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
scripts/setup.sh melrecon >/dev/null
B=$PWD/build/app/melrecon
W=$(mktemp -d /tmp/melrecon-soak.XXXXXX)
trap 'mountpoint -q "$W/small" && umount "$W/small"; rm -rf "$W"' EXIT
args=(--steps 40 --set model.unrolls=2 --set model.features=8 --set model.layers=3
      --set model.cg_iters=4 --set run.checkpoint_every=3 --set run.val_every=10
      --set run.progress=false --set sampling.calib=4 --set sampling.accel=3)
"$B" simulate --kind 2d --shape 32,24 --cases 3 --coils 4 --seed 1 --out "$W/data" >/dev/null
"$B" train --data "$W/data" --run "$W/reference" "${args[@]}" >/dev/null

small=""
if [ "$(id -u)" -eq 0 ] && mkdir -p "$W/small" && mount -t tmpfs -o size=16m tmpfs "$W/small"; then
  small=$W/small
fi
rounds=0 kills=0 full=0
end=$((SECONDS + 60 * minutes))
while [ $SECONDS -lt $end ]; do
  rounds=$((rounds + 1))
  run=$W/run
  [ -n "$small" ] && run=$small/run
  rm -rf "$run"
  attempts=0
  while :; do
    attempts=$((attempts + 1))
    if [ $attempts -gt 500 ]; then
      echo "soak: round $rounds: the run did not finish in 500 attempts; last output:" >&2
      cat "$W/out.txt" >&2
      exit 1
    fi
    resume=()
    [ -f "$run/config.json" ] && resume=(--resume)
    filler=""
    if [ -n "$small" ] && [ $((RANDOM % 4)) -eq 0 ]; then
      # leave 0-300 KiB free: the next checkpoint or log line meets a full disk
      free_kib=$(df --output=avail -k "$small" | tail -1)
      fill=$((free_kib - RANDOM % 300))
      [ $fill -gt 0 ] && { filler=$small/filler; head -c "${fill}K" /dev/zero > "$filler" 2>/dev/null || true; }
    fi
    "$B" train --data "$W/data" --run "$run" "${args[@]}" "${resume[@]}" > "$W/out.txt" 2>&1 &
    pid=$!
    sleep "0.$((RANDOM % 10))$((RANDOM % 10))"
    if kill -9 $pid 2>/dev/null; then kills=$((kills + 1)); fi
    status=0
    wait $pid 2>/dev/null || status=$?
    [ -n "$filler" ] && rm -f "$filler"
    if [ $status -eq 0 ] && grep -q "^trained" "$W/out.txt"; then break; fi
    [ $status -eq 137 ] && continue  # killed
    # Any other failure must be the full disk, said in one line naming the file.
    if [ -n "$filler" ] && [ "$(wc -l < "$W/out.txt")" -eq 1 ] &&
       grep -q "$run/.*No space left on device" "$W/out.txt"; then
      full=$((full + 1))
      continue
    fi
    echo "soak: round $rounds: training failed (exit $status) other than by a kill or a full disk:" >&2
    cat "$W/out.txt" >&2
    exit 1
  done
  leftovers=$(find "$run" -name '*.tmp.*' | wc -l)
  if ! cmp -s "$run/checkpoint.pt" "$W/reference/checkpoint.pt" || [ "$leftovers" -ne 0 ]; then
    echo "soak: round $rounds: the resumed run differs from the uninterrupted one or left $leftovers temporaries" >&2
    exit 1
  fi
done
echo "soak: $rounds rounds, $kills kills, $full disk-full failures: every resumed run ended byte-identical, no temporaries left"

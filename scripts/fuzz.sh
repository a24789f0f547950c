#!/usr/bin/env bash
# Fuzzes every reader of user files with libFuzzer (clang), AddressSanitizer and UBSan: BART
# cfl/hdr, NIfTI, PNG, dataset.json and configuration JSON, checkpoint.pt, fastMRI and ISMRMRD
# HDF5 (fuzz/*_fuzz.cpp). Builds the instrumented project into build-fuzz/ (clang from Debian),
# makes seed corpora from melrecon's own outputs (fuzz/make_seeds.py), runs each target for a
# fixed budget and prints executions and findings per target. Exit 1 when a target found a
# defect in melrecon: its input is kept as build-fuzz/findings/<target>/crash-* (reproduce with
# build-fuzz/fuzz/fuzz_<target> <that file>; then make it a regression test). A crash or a huge
# allocation whose stack starts inside the HDF5 or ISMRMRD libraries is reported as theirs
# (their readers have no defence against every corrupt file) and does not fail the run.
# Usage: scripts/fuzz.sh            a fixed number of executions per target (FUZZ_RUNS, 20000)
#                                   with a fixed seed (CI), each target stopped after FUZZ_SECONDS
#                                   (30) if not done by then: the HDF5 readers fork a child per
#                                   read (io/isolated_read) and run a few dozen inputs a second
#        scripts/fuzz.sh SECONDS    SECONDS per target with a random seed (by hand: 600 and more)
set -euo pipefail
cd "$(dirname "$0")/.."
budget=(-runs="${FUZZ_RUNS:-20000}" -max_total_time="${FUZZ_SECONDS:-30}" -seed=1)
[ $# -gt 0 ] && budget=(-max_total_time="$1")
scripts/setup.sh melrecon >/dev/null  # the Debian packages, .venv, and the tool that makes seeds
PYTHON=${MELRECON_PYTHON:-$PWD/.venv/bin/python}
BUILD=build-fuzz
if [ ! -f "$BUILD/build.ninja" ]; then
  mkdir -p "$BUILD"
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=clang \
    -DCMAKE_CXX_COMPILER=clang++ -DMELRECON_FUZZ=ON -DMELRECON_BUILD_TESTS=OFF \
    -DMELRECON_BUILD_BENCH=OFF -DMELRECON_PYTHON_MODULE=OFF -DPython3_EXECUTABLE="$PYTHON" \
    -DCMAKE_PREFIX_PATH="$("$PYTHON" -c 'import torch; print(torch.utils.cmake_prefix_path)')" \
    > "$BUILD/configure.log" 2>&1 || { tail -n 30 "$BUILD/configure.log" >&2; exit 1; }
fi
targets=$(sed -n 's/^set(targets \(.*\))$/\1/p' fuzz/CMakeLists.txt)
grep -q "HAVE_HDF5 1" "$BUILD/generated/core/config.h" && targets="$targets fastmri"
grep -q "HAVE_ISMRMRD 1" "$BUILD/generated/core/config.h" && targets="$targets ismrmrd"
cmake --build "$BUILD" -j "${MELRECON_JOBS:-$(nproc)}" $(for t in $targets; do echo --target "fuzz_$t"; done)
[ -d "$BUILD/seeds" ] || "$PYTHON" fuzz/make_seeds.py "$PWD/build/app/melrecon" "$BUILD/seeds"

# Leaks of LibTorch's and HDF5's global state at exit are not the readers' defects.
# An allocation above 2 GiB fails (returns null, as a real allocator eventually would) instead of
# stopping the run: HDF5 sizes its buffers by what a file declares before it can check it.
export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:max_allocation_size_mb=2048
export UBSAN_OPTIONS=print_stacktrace=1
failed=0
library=0
printf '%-11s %12s %10s  %s\n' target executions corpus result
for t in $targets; do
  mkdir -p "$BUILD/corpus/$t" "$BUILD/findings/$t"
  log="$BUILD/findings/$t/last.log"
  if "$BUILD/fuzz/fuzz_$t" "${budget[@]}" -timeout=25 -rss_limit_mb=4096 -malloc_limit_mb=4096 \
      -max_len=65536 -artifact_prefix="$BUILD/findings/$t/" "$BUILD/corpus/$t" "$BUILD/seeds/$t" \
      > "$log" 2>&1; then
    result=ok
  else
    # The first frame of the report that stopped the run (the last in the log: reports of
    # contained child processes come before it) that is neither the sanitizer's, libFuzzer's
    # nor libc's.
    # (A timeout's stack follows its ALARM line, before the ERROR line that ends it.)
    frame=$(awk '/ALARM: working/ || (/ERROR: / && !/libFuzzer: timeout/) {report = ""}
                 {report = report $0 "\n"} END {printf "%s", report}' "$log" |
      grep -E '^ +#[0-9]+ ' | grep -vE 'sanitizer|fuzzer::|__asan|__interceptor|libc\.so|libstdc\+\+|memmove|memcpy|malloc|abort|raise|pthread_kill' | head -1 || true)
    if echo "$frame" | grep -qE 'libhdf5|libismrmrd'; then
      result="in $(echo "$frame" | grep -oE 'lib(hdf5|ismrmrd)[^ /)+]*' | head -1 || true) (see $log)"
      library=$((library + 1))
    else
      result="DEFECT (see $log)"
      failed=1
    fi
  fi
  runs=$(grep -oE 'Done [0-9]+ runs' "$log" | grep -oE '[0-9]+' | tail -1 || true)
  [ -z "$runs" ] && runs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
  printf '%-11s %12s %10s  %s\n' "$t" "${runs:-?}" "$(ls "$BUILD/corpus/$t" | wc -l)" "$result"
done
if [ $library -gt 0 ]; then
  echo "fuzz: $library target(s) stopped in a library's own reader; not melrecon's defects"
fi
exit $failed

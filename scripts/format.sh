#!/usr/bin/env bash
# The project's one formatter: clang-format with .clang-format over every C++ source.
#   scripts/format.sh          reformat in place
#   scripts/format.sh --check  change nothing; list what differs and exit 1 (scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files 'src/*.cpp' 'src/*.h' 'app/*.cpp' 'app/*.h' 'tests/*.cpp' 'tests/*.h' \
  'bench/*.cpp' 'bench/*.h' 'fuzz/*.cpp' 'fuzz/*.h' 'python/*.cpp' 'python/*.h')
if [ "${1:-}" = --check ]; then
  # shellcheck disable=SC2086
  if ! clang-format --dry-run -Werror $files 2> /tmp/melrecon-format.$$; then
    grep -oE '^[^:]+\.(cpp|h):' /tmp/melrecon-format.$$ | sort -u | sed 's/:$//; s/^/  /' >&2
    rm -f /tmp/melrecon-format.$$
    echo "format: the files above differ from .clang-format; scripts/format.sh fixes them" >&2
    exit 1
  fi
  rm -f /tmp/melrecon-format.$$
else
  # shellcheck disable=SC2086
  clang-format -i $files
fi

#!/usr/bin/env bash
# Real-anatomy benchmark (docs/data.md, "Real-anatomy benchmark") in data/realdata/: ITK's test
# images (Debian insighttoolkit5 source tarball) and Colin27 (mricron-data) through
# `melrecon simulate`. Options go to scripts/realdata.py (--out, --tarball, --cache).
# MELRECON: the melrecon binary (default build/app/melrecon); REALDATA_TARBALL: a local copy of
# insighttoolkit5_5.2.1.orig.tar.xz instead of downloading it.
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "realdata: error: $*" >&2; exit 1; }
PYTHON=.venv/bin/python
[ -x "$PYTHON" ] || fail ".venv missing: run scripts/setup.sh first"
[ -f /usr/share/mricron/templates/ch2.nii.gz ] ||
  fail "Colin27 missing: apt-get install mricron-data"
if ! cmp -s scripts/realdata-requirements.txt .venv/realdata-requirements.installed; then
  echo "realdata: installing scripts/realdata-requirements.txt into .venv"
  .venv/bin/pip install -q --disable-pip-version-check -r scripts/realdata-requirements.txt \
    || fail "pip install -r scripts/realdata-requirements.txt failed"
  cp scripts/realdata-requirements.txt .venv/realdata-requirements.installed
fi
exec "$PYTHON" scripts/realdata.py "$@"

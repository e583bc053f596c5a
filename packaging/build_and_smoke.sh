#!/usr/bin/env bash
# Build the one-folder bundle with PyInstaller and smoke-test it under Xvfb.
# Usage: packaging/build_and_smoke.sh [python]   (default: .venv/bin/python)
# Prints the bundle size, the build time and the self-test result.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${1:-.venv/bin/python}

"$PY" -m PyInstaller --version >/dev/null 2>&1 || "$PY" -m pip install -q "pyinstaller>=6.10"
"$PY" packaging/make_icons.py >/dev/null

start=$(date +%s)
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath build/dist --workpath build/work packaging/tlstudio.spec
built=$(date +%s)
bundle=build/dist/tlstudio
echo "build time: $((built - start)) s"
echo "bundle size: $(du -sh "$bundle" | cut -f1) ($(find "$bundle" -type f | wc -l) files)"

run() { if [ -n "${DISPLAY:-}" ] || ! command -v xvfb-run >/dev/null; then "$@"; else xvfb-run -a "$@"; fi; }
# A clean environment: no venv on the path, an empty home, offline.
smoke_home=$(mktemp -d)
t0=$(date +%s.%N)
env -i HOME="$smoke_home" PATH=/usr/bin:/bin HF_HUB_OFFLINE=1 TLSTUDIO_HOME="$smoke_home/tl" \
  TLSTUDIO_SELFTEST_SHOTS="${SHOTS:-build/smoke-shots}" \
  ${DISPLAY:+DISPLAY=$DISPLAY} \
  bash -c "$(declare -f run); run '$bundle/tlstudio' --self-test"
t1=$(date +%s.%N)
echo "self-test passed in $(echo "$t1 - $t0" | bc) s"

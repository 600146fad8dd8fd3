#!/usr/bin/env bash
# README command 2 (and what CI runs): install what is needed, build with warnings as errors, run every test.
# Real components (pcscd + vpcd, Xvfb, PostgreSQL, Chromium) are started by the tests themselves and stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
scripts/install-deps.sh
for step in scripts/setup.d/*.sh; do if [ -x "$step" ]; then "$step"; fi; done
scripts/build.sh ci
export OPENCV_LOG_LEVEL=ERROR
ctest --preset ci --timeout 600 "$@"
if [ -x scripts/fuzz.sh ] && [ $# -eq 0 ]; then scripts/fuzz.sh; fi
echo "test.sh: finished in $(( $(date +%s) - start )) s"

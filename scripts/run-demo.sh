#!/usr/bin/env bash
# README command 1: install what is needed, build, and run the kiosk on its embedded defaults
# (simulated card, recorded camera clip or a real camera, local reception).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
for step in scripts/setup.d/*.sh; do if [ -x "$step" ]; then "$step"; fi; done
scripts/build.sh release
exec build/release/kiosk/app/uketsuke-kiosk --demo "$@"

#!/usr/bin/env bash
# The systemd units must pass `systemd-analyze verify`. The programs they start are put in a scratch root at the
# paths the packages install them to, so verify checks the real ExecStart lines.
# Usage: units_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/usr/bin" "$work/etc/systemd/system" "$work/lib/systemd"
# The distribution's own units (targets, pcscd.socket ...) so that dependencies resolve as on a real system.
cp -a /lib/systemd/system "$work/lib/systemd/"
for exe in uketsuke-kiosk uketsuke-reception; do
    found=$(find "$build" -type f -name "$exe" -perm -u+x | head -1)
    if [ -n "$found" ]; then cp "$found" "$work/usr/bin/"; else printf '#!/bin/sh\nexit 0\n' >"$work/usr/bin/$exe"; fi
    chmod 755 "$work/usr/bin/$exe"
done
for tool in cage setterm; do
    if [ -x "/usr/bin/$tool" ]; then cp "/usr/bin/$tool" "$work/usr/bin/"; fi
done
cp "$src"/deploy/systemd/*.service "$work/etc/systemd/system/"
status=0
for unit in "$work"/etc/systemd/system/*.service; do
    out=$(SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --root="$work" --man=no "etc/systemd/system/${unit##*/}" 2>&1) || status=1
    problems=$(printf '%s\n' "$out" | grep -v -E "^$" || true)
    echo "== ${unit##*/}"
    printf '%s\n' "$out"
    if [ -n "$problems" ]; then echo "verify reported problems for ${unit##*/}"; status=1; fi
done
exit $status

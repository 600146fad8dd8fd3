#!/usr/bin/env bash
# uketsuke-kiosk --check-config: a valid file exits 0; a broken one exits 2 and names file, line, key and fix.
set -euo pipefail
kiosk=$1 src=$2
"$kiosk" --check-config "$src/deploy/kiosk.example.toml"
bad=$(mktemp --suffix=.toml)
trap 'rm -f "$bad"' EXIT
printf '[facility]\ncode = "12"\n[camrea]\ndevice = "0"\n' >"$bad"
set +e
out=$("$kiosk" --check-config "$bad" 2>&1)
rc=$?
set -e
echo "$out"
[ "$rc" -eq 2 ] || { echo "expected exit 2, got $rc"; exit 1; }
grep -qF "$bad:2: facility.code: \"12\" is not 10 digits. Fix: " <<<"$out"
grep -qF "$bad:3: camrea: unknown section or key. Fix: did you mean \"camera\"?" <<<"$out"
grep -qF "2 problems in $bad" <<<"$out"

#!/usr/bin/env bash
# uketsuke-kiosk --check-config: a valid file exits 0; a broken one exits 2 and names file, line, key and fix;
# the set-up file in the data folder (--data) is checked too.
set -euo pipefail
kiosk=$1 src=$2
"$kiosk" --check-config "$src/deploy/kiosk.example.toml"
bad=$(mktemp --suffix=.toml)
data=$(mktemp -d)
trap 'rm -rf "$bad" "$data"' EXIT
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

# The set-up file: none yet, then a valid one, then one with a key that belongs in kiosk.toml.
"$kiosk" --check-config "$src/deploy/kiosk.example.toml" --data "$data" | grep -qF "$data/kiosk-setup.toml: none yet"
printf '[kiosk]\nlanguages = ["ja", "en"]\n[card]\nreader = "SONY*"\n' > "$data/kiosk-setup.toml"
"$kiosk" --check-config "$src/deploy/kiosk.example.toml" --data "$data" |
    grep -qF "$data/kiosk-setup.toml: valid (reader \"SONY*\""
printf '[timeouts]\ndone_s = 5\n' > "$data/kiosk-setup.toml"
set +e
out=$("$kiosk" --check-config "$src/deploy/kiosk.example.toml" --data "$data" 2>&1)
rc=$?
set -e
echo "$out"
[ "$rc" -eq 2 ] || { echo "expected exit 2 for the set-up file, got $rc"; exit 1; }
grep -qF "$data/kiosk-setup.toml:2: timeouts.done_s: is not set on the kiosk's set-up pages. Fix: set it in the configuration file (kiosk.toml)" <<<"$out"

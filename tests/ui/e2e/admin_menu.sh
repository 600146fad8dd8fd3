#!/usr/bin/env bash
# The admin menu on a kiosk with an admin PIN (made by `uketsuke-kiosk --set-admin-pin`): the gesture asks for
# the PIN, a wrong one is refused and counted (never logged), the right one opens the menu; diagnostics run
# the doctor's checks on screen (no camera here: reported with its fix; the demo card needs no pcscd; the clock
# and disk fine); back returns to the patient screens.
source "$(dirname "$0")/lib.sh"
printf '2468\n2468\n' | "$KIOSK" --set-admin-pin > "$WORK/pin.line" || fail "--set-admin-pin failed"
grep -q '^admin_pin_hash = "\$argon2id\$' "$WORK/pin.line" || fail "no Argon2id line: $(cat "$WORK/pin.line")"
{ echo "[kiosk]"; cat "$WORK/pin.line"; } > "$WORK/kiosk.toml"
start_kiosk --config "$WORK/kiosk.toml" --camera /dev/video99  # a camera that is not there
wait_state 'phase=attract'
admin_gesture
wait_state 'phase=admin_pin' 10
for d in 1 1 1 1; do tap "admin.pin.$d"; done
tap admin.pin.ok
wait_line 'admin PIN wrong \(1 in a row\)' 10
wait_state 'phase=admin_pin'
for d in 2 4 6 8; do tap "admin.pin.$d"; done
tap admin.pin.ok
wait_state 'phase=admin_menu' 10
grep -Eq '1111|2468' "$LOG" && fail "a PIN's digits reached the log"
tap admin.diagnostics
wait_state 'phase=admin_diagnostics'
wait_line 'admin diagnostics: disk ' 30
grep -q 'admin diagnostics: camera fail' "$LOG" || fail "the missing camera was not reported"
grep -q 'admin diagnostics: clock ok' "$LOG" || fail "the clock check did not pass"
grep -q 'admin diagnostics: pcscd ok: demo card (simulated)' "$LOG" || fail "the demo card was checked for pcscd"
sleep 0.3
screenshot admin_diagnostics
tap admin.back
wait_state 'phase=attract'
echo "PASS admin_menu"

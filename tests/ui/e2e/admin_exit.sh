#!/usr/bin/env bash
# No way out for a patient, one for staff: tapping three corners, or four in the wrong order, leaves the kiosk
# running; the four corners in order (top-left, top-right, bottom-right, bottom-left) end it cleanly.
source "$(dirname "$0")/lib.sh"
start_kiosk
wait_state 'phase=attract'
corner() { xdotool mousemove "$1" "$2"; sleep 0.08; xdotool click 1; sleep 0.15; }
corner 4 4; corner $((W - 4)) 4; corner $((W - 4)) $((H - 4))
corner $((W - 4)) 4; corner 4 4; corner 4 $((H - 4)); corner $((W - 4)) $((H - 4))
sleep 0.5
kill -0 "$KIOSK_PID" 2>/dev/null || fail "the kiosk exited on a wrong gesture"
grep -q '^UK exit' "$LOG" && fail "the kiosk said it exits on a wrong gesture"
corner 4 4; corner $((W - 4)) 4; corner $((W - 4)) $((H - 4)); corner 4 $((H - 4))
wait_line '^UK exit' 10
wait "$KIOSK_PID"
rc=$?
KIOSK_PID=""
[ "$rc" = 0 ] || fail "exit status $rc after the admin gesture"
echo "PASS admin_exit"

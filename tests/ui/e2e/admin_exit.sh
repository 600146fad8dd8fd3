#!/usr/bin/env bash
# No way out for a patient, one for staff: tapping three corners, or four in the wrong order, leaves the
# patient screens; the four corners in order (top-left, top-right, bottom-right, bottom-left) open the admin
# menu (the demo has no admin PIN configured, so it opens directly), whose "restart" ends the kiosk cleanly
# (under systemd it is started again).
source "$(dirname "$0")/lib.sh"
start_kiosk
wait_state 'phase=attract'
corner 4 4; corner $((W - 4)) 4; corner $((W - 4)) $((H - 4))
corner $((W - 4)) 4; corner 4 4; corner 4 $((H - 4)); corner $((W - 4)) $((H - 4))
sleep 0.5
kill -0 "$KIOSK_PID" 2>/dev/null || fail "the kiosk exited on a wrong gesture"
grep -q 'admin menu opened' "$LOG" && fail "a wrong gesture opened the admin menu"
admin_gesture
wait_state 'phase=admin_menu' 10
tap admin.back
wait_state 'phase=attract'
admin_gesture
wait_state 'phase=admin_menu' 10
tap admin.restart
wait_line '^UK exit' 10
wait "$KIOSK_PID"
rc=$?
KIOSK_PID=""
[ "$rc" = 0 ] || fail "exit status $rc after the admin gesture"
echo "PASS admin_exit"

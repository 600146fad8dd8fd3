#!/usr/bin/env bash
# No camera on the kiosk (none plugged in, no clip given): the kiosk says why the face path is off;
# choosing the face check says the camera is unavailable and offers the PIN, which then works.
source "$(dirname "$0")/lib.sh"
start_kiosk
grep -q 'face path off: no camera' "$LOG" || fail "the kiosk did not say why the face path is off"
tap start
tap demo.card
wait_state 'phase=choose_method'
tap method.face
wait_state 'phase=error error=camera_unavailable'
tap error.use_pin
wait_state 'phase=pin_entry'
type_pin 1234
tap pin.ok
wait_state 'phase=consent'
echo "PASS face_path (up to the camera)"

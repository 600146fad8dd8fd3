#!/usr/bin/env bash
# A photo held to the camera does not pass: the same clip of a still photo as face_path_clip.sh, with the
# blink/turn challenge on as on a patient kiosk. The face check fails (liveness, or the time-out), the screen
# says so, and the patient continues with the PIN.
source "$(dirname "$0")/lib.sh"
start_face_kiosk
tap start
tap demo.card
wait_state 'phase=choose_method'
tap method.face
wait_state 'phase=face_capture' 20
wait_state 'phase=error' 60
last_state | grep -qE 'error=(liveness_failed|face_timeout)' || fail "a still photo was not refused: $(last_state)"
tap error.use_pin
wait_state 'phase=pin_entry'
echo "PASS face_liveness"

#!/usr/bin/env bash
# The face path with a recorded camera: the simulated card's chip photo is one photo of a person, the camera
# is a clip made from another photo of the same person. The card front's 照合番号B is read by the card-front
# reader (Tesseract) from a clip of the demo card's front (the fictional design of tools/cardfront, as the
# demo has no physical card), the chip photo is unlocked with it, the face session matches the live face
# against it and the check-in completes. A recording cannot blink or turn on cue, so this run
# has the challenge off (--face-challenge-off, refused on patient kiosks); face_liveness.sh runs the same
# clip with the challenge on and must NOT pass.
source "$(dirname "$0")/lib.sh"
start_face_kiosk --face-challenge-off
tap start
tap demo.card
wait_state 'phase=choose_method'
tap method.face
wait_state 'phase=reading_card_front'
wait_line 'card-front reader ready' 30
sleep 0.5
screenshot card_front_reading
wait_state 'phase=face_capture' 20
sleep 1.5
screenshot face_capture_live
wait_state 'phase=consent' 40
grep -q 'face verdict match' "$LOG" || fail "no face match reported"
tap consent.agree_all
wait_state 'phase=confirm'
tap confirm.ok
wait_state 'phase=done' 20
grep -q '^UK submit .* method=face ' "$LOG" || fail "record not submitted with the face method"
echo "PASS face_path_clip"

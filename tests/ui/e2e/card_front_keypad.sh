#!/usr/bin/env bash
# The keypad fallback of the face path: on the card-front screen the patient chooses to type the numbers,
# types an impossible birth date first (refused by the kiosk before any VERIFY: the card's tries stay), then
# the right birth date, expiry year and security code of the demo card (山田 太郎: 昭和60年4月12日, 2034, 4821);
# the chip photo is unlocked with them and the face check completes as on the camera path.
source "$(dirname "$0")/lib.sh"
start_face_kiosk --face-challenge-off
tap start
tap demo.card
wait_state 'phase=choose_method'
tap method.face
wait_state 'phase=reading_card_front'
tap card_front.type
wait_state 'phase=card_front_keypad'
tap card_front_keypad.calendar.showa
for d in 6 0 0 2 3 0 2 0 3 4 4 8 2 1; do tap "card_front_keypad.$d"; done  # 昭和60年2月30日 does not exist
screenshot card_front_keypad_typed
tap card_front_keypad.ok
wait_line 'card front typed: refused before any VERIFY \(birth' 10
wait_state 'phase=card_front_keypad'
screenshot card_front_keypad_refused
for _ in 1 2 3 4 5 6; do tap card_front_keypad.delete; done
for d in 6 0 0 4 1 2 4 8 2 1; do tap "card_front_keypad.$d"; done
tap card_front_keypad.ok
wait_state 'phase=face_capture' 20
grep -q 'VERIFY failed' "$LOG" && fail "a VERIFY failed: the typed code was wrong"
wait_state 'phase=consent' 40
grep -q 'face verdict match' "$LOG" || fail "no face match reported"
tap consent.agree_all
wait_state 'phase=confirm'
tap confirm.ok
wait_state 'phase=done' 20
grep -q '^UK submit .* method=face ' "$LOG" || fail "record not submitted with the face method"
echo "PASS card_front_keypad"

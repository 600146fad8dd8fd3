#!/usr/bin/env bash
# Consent refused: the patient verifies with the PIN in English, refuses both consent items, goes back once
# to change nothing, confirms; the record says refused for each item and check-in still completes.
source "$(dirname "$0")/lib.sh"
start_kiosk
wait_state 'phase=attract'
tap top.language
wait_state 'picker=1'
tap lang.en
wait_state 'phase=waiting_for_card lang=en picker=0'
tap demo.card
wait_state 'phase=choose_method lang=en'
tap method.pin
type_pin 1234
tap pin.ok
wait_state 'phase=consent consent=0'
tap consent.refuse
wait_state 'phase=consent consent=1'
tap bottom.app.back
wait_state 'phase=consent consent=0'
tap consent.refuse
wait_state 'phase=consent consent=1'
tap consent.refuse
wait_state 'phase=confirm'
tap confirm.ok
wait_state 'phase=done' 20
grep -q '^UK submit .* consents=medication:refused,health_checkup:refused$' "$LOG" || fail "record does not say refused: $(grep '^UK submit' "$LOG")"
echo "PASS consent_refused"

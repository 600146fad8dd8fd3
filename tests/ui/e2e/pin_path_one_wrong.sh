#!/usr/bin/env bash
# PIN path with one wrong PIN: the patient starts, places the card, chooses the PIN, types a wrong PIN (told
# so, 2 tries left), types the right one, agrees to everything, confirms, gets a queue number, takes the card.
source "$(dirname "$0")/lib.sh"
start_kiosk
wait_state 'phase=attract'
tap start
wait_state 'phase=waiting_for_card'
tap demo.card
wait_state 'phase=choose_method pin_tries=3'
tap method.pin
wait_state 'phase=pin_entry'
type_pin 1111
tap pin.ok
wait_state 'phase=pin_entry notice=pin_wrong pin_tries=2'
screenshot pin_wrong
type_pin 1234
tap pin.ok
wait_state 'phase=consent'
tap consent.agree_all
wait_state 'phase=confirm'
tap confirm.ok
wait_state 'phase=done' 20
screenshot done
grep -q '^UK submit .* method=pin consents=medication:agreed,health_checkup:agreed' "$LOG" || fail "record not submitted as agreed"
grep -E '^UK state phase=done .*ticket=[1-9]' "$LOG" >/dev/null || fail "no queue number shown"
# The PIN digits never reach the output.
! grep -q '1234' "$LOG" || fail "PIN digits in the output"
tap demo.card
wait_state 'phase=attract' 20
echo "PASS pin_path_one_wrong"

#!/usr/bin/env bash
# Card pulled out mid-flow: during PIN entry, with two digits typed, the card leaves the reader. The screen
# says so, the session (and the typed digits) are wiped, and the kiosk returns to the start by itself.
source "$(dirname "$0")/lib.sh"
start_kiosk
tap start
tap demo.card
wait_state 'phase=choose_method'
tap method.pin
wait_state 'phase=pin_entry'
type_pin 12
tap demo.card
wait_state 'phase=error error=card_removed pin_tries=-'
wait_state 'phase=attract' 15
# A fresh card insertion starts from a clean session: no digits carried over.
tap demo.card
wait_state 'phase=choose_method pin_tries=3'
tap method.pin
wait_state 'phase=pin_entry'
grep '^UK buttons' "$LOG" | tail -n1 | grep -q 'pin.ok@' && fail "OK enabled with no digits typed"
echo "PASS card_pulled"

#!/usr/bin/env bash
# Idle time-outs: nobody places a card -> back to the start; a patient walks away on the method screen ->
# the session is wiped and the kiosk asks for the card to be taken; taking it returns to the start.
source "$(dirname "$0")/lib.sh"
start_kiosk --idle-seconds 3
tap start
wait_state 'phase=waiting_for_card'
wait_state 'phase=attract' 10
tap demo.card
wait_state 'phase=choose_method'
wait_state 'phase=take_card pin_tries=-' 10
tap demo.card
wait_state 'phase=attract' 10
echo "PASS idle_timeout"

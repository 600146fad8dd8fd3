#!/usr/bin/env bash
# The real PC/SC path: pcscd (started here with its own vpcd reader on a free port, stopped by PID), the
# simulated card behind it (uketsuke-cardsim over vpcd: connecting = inserting the card, stopping it =
# pulling it out), and uketsuke-kiosk --card pcsc with its reader monitor. PIN path to a queue number, then
# the card is taken and the kiosk returns to the start.
source "$(dirname "$0")/lib.sh"
start_pcscd

start_kiosk --card pcsc
wait_state 'phase=attract'
tap start
wait_state 'phase=waiting_for_card'
insert_card yamada-taro
wait_state 'phase=choose_method pin_tries=3' 30
tap method.pin
type_pin 1234
tap pin.ok
wait_state 'phase=consent' 20
tap consent.agree_all
tap confirm.ok
wait_state 'phase=done' 20
kill -TERM "$CARDSIM_PID"
wait "$CARDSIM_PID" 2>/dev/null || true
wait_state 'phase=attract' 20
echo "PASS pcsc_path"

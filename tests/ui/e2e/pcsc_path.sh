#!/usr/bin/env bash
# The real PC/SC path: pcscd (started here with its own vpcd reader on a free port, stopped by PID), the
# simulated card behind it (uketsuke-cardsim over vpcd: connecting = inserting the card, stopping it =
# pulling it out), and uketsuke-kiosk --card pcsc with its reader monitor. PIN path to a queue number, then
# the card is taken and the kiosk returns to the start.
source "$(dirname "$0")/lib.sh"
CARDSIM=${CARDSIM:?set CARDSIM to uketsuke-cardsim}
# The machine-wide pcscd lock of tests/card/pcscd_fixture.h (another build tree's tests may run a pcscd).
exec 9> /tmp/uketsuke-pcscd.lock
flock -w 900 9 || fail "another test holds /tmp/uketsuke-pcscd.lock"
if [ -f /run/pcscd/pcscd.pid ] && kill -0 "$(cat /run/pcscd/pcscd.pid)" 2>/dev/null; then
    fail "another pcscd is running (pid $(cat /run/pcscd/pcscd.pid)); this test needs its own"
fi
PORT=$((40000 + RANDOM % 20000))
mkdir -p "$WORK/reader.conf.d"
printf 'FRIENDLYNAME "Uketsuke UI VPCD"\nDEVICENAME   /dev/null:0x%04X\nLIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID    0x%04X\n' \
    "$PORT" "$PORT" > "$WORK/reader.conf.d/vpcd"
rm -f /run/pcscd/pcscd.comm /run/pcscd/pcscd.pid
/usr/sbin/pcscd -f -c "$WORK/reader.conf.d" > "$WORK/pcscd.log" 2>&1 &
PCSCD_PID=$!
EXTRA_PIDS+=("$PCSCD_PID")
sleep 1
kill -0 "$PCSCD_PID" 2>/dev/null || fail "pcscd did not start: $(cat "$WORK/pcscd.log")"

start_kiosk --card pcsc
wait_state 'phase=attract'
tap start
wait_state 'phase=waiting_for_card'
"$CARDSIM" --identity yamada-taro --data "$WORK/cards" --port "$PORT" > "$WORK/cardsim.log" 2>&1 &
CARDSIM_PID=$!
EXTRA_PIDS+=("$CARDSIM_PID")
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

#!/usr/bin/env bash
# The set-up pages' reader step against the real PC/SC stack (pcscd + vpcd + the card simulator, started here
# and stopped by PID): the vpcd reader is listed with its card, chosen, and the test card read gives the
# certificate's expiry and the PIN tries without spending one; no patient session starts behind the admin
# pages; with the card pulled out the test says there is no card.
source "$(dirname "$0")/lib.sh"
start_pcscd
insert_card yamada-taro
start_kiosk --card pcsc --setup --camera none
wait_state 'phase=setup_reader'
wait_line 'set-up reader "Uketsuke UI VPCD 00 00": card on it' 20
tap setup.choice.Uketsuke_UI_VPCD_00_00
tap setup.test_card
wait_line 'set-up test: 読めました Read: 証明書 certificate valid until 20[0-9-]+, 暗証番号 PIN tries left 3, 照合番号B tries left' 20
sleep 0.3
screenshot setup_reader_pcsc
kill -TERM "$CARDSIM_PID"
wait "$CARDSIM_PID" 2>/dev/null || true
# The second "no card" line for this reader (the first was logged before the card was inserted).
for _ in $(seq 200); do
    [ "$(grep -c 'set-up reader "Uketsuke UI VPCD 00 00": no card' "$LOG")" -ge 2 ] && break
    sleep 0.1
done
[ "$(grep -c 'set-up reader "Uketsuke UI VPCD 00 00": no card' "$LOG")" -ge 2 ] || fail "the pulled card was not noticed"
tap setup.test_card
wait_line 'set-up test: カードがありません No card on the reader' 20
grep -q 'phase=reading_card\|phase=choose_method' "$LOG" && fail "a patient session started behind the set-up pages"
tap admin.back
wait_state 'phase=attract'
echo "PASS setup_reader_pcsc"

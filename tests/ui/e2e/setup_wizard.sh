#!/usr/bin/env bash
# The kiosk's set-up pages, as facility IT walks through them on a kiosk without an admin PIN: the reader
# step (no pcscd here: said so, and the test-card read explains why it failed), the cameras with a live preview
# of the chosen camera (a recorded clip of a person) and the face check finding the face on it, the card-front
# camera finding a card on its clip (and none on the face clip), the reception
# test (nothing listens: unreachable), the languages (two turned off, English made the default), the consent
# items (surgery turned on), a new admin PIN typed twice (never logged), the summary, save and restart. The
# saved <data>/kiosk-setup.toml holds the choices (mode 0600); the restarted kiosk starts in English and its
# admin menu now asks for the new PIN, and the menu's 設定 Set-up opens the pages again (without the PIN step).
# A real kiosk's first start opens them.
source "$(dirname "$0")/lib.sh"
make_face_clip "$WORK/clip.avi"
# A card-front camera: a clip of a (fictional) card held under it (tools/cardfront).
"${CARDFRONT:?set CARDFRONT to uketsuke-cardfront}" clip --out "$WORK/front" --seed 3 > /dev/null ||
    fail "uketsuke-cardfront clip failed"
printf '[camera]\ncard_front_device = "%s/front/frame_%%03d.jpg"\n' "$WORK" > "$WORK/kiosk.toml"
start_kiosk --setup --camera "$WORK/clip.avi" --config "$WORK/kiosk.toml"
wait_state 'phase=setup_reader'
tap setup.test_card
wait_line 'set-up test: ' 20
grep -q 'set-up test: カード.*\(pcscd\|PC/SC\|Cannot reach\)' "$LOG" || grep 'set-up test:' "$LOG" | head -1
sleep 0.3
screenshot setup_1_reader
tap setup.next
wait_state 'phase=setup_camera'
wait_line "set-up camera preview: $WORK/clip.avi 640x480" 20
wait_line 'set-up face check: [a-z_]+ \(face [0-9]+% of the width\)' 20
sleep 1.2
screenshot setup_2_camera
tap setup.role_front
wait_line 'set-up card-front check: card found' 20
sleep 0.5
screenshot setup_2_card_front
tap setup.choice.any  # "same as the face camera": the clip of a person, no card in view
wait_line 'set-up card-front check: no card' 20
tap setup.choice.none
tap setup.next
wait_state 'phase=setup_reception'
tap setup.test_reception
wait_line 'set-up test: .*(unreachable|Failed)' 20
sleep 0.3
screenshot setup_3_reception
tap setup.next
wait_state 'phase=setup_languages'
tap setup.choice.vi
tap setup.choice.ko
tap setup.default.en
sleep 0.3
screenshot setup_4_languages
tap setup.next
wait_state 'phase=setup_consent'
tap setup.choice.surgery
sleep 0.3
screenshot setup_5_consent
tap setup.next
wait_state 'phase=setup_admin_pin'
for d in 1 3 5 7; do tap "setup.pin.$d"; done
tap setup.pin.ok
for d in 1 3 5 7; do tap "setup.pin.$d"; done
tap setup.pin.ok
wait_line 'set-up: admin PIN set' 20
sleep 0.3
screenshot setup_6_admin_pin
tap setup.next
wait_state 'phase=setup_finish'
sleep 0.3
screenshot setup_7_finish
tap setup.next
wait_line '^UK exit' 20
wait "$KIOSK_PID" || true

F="$WORK/data/kiosk-setup.toml"
[ -f "$F" ] || fail "no $F"
[ "$(stat -c %a "$F")" = 600 ] || fail "$F has mode $(stat -c %a "$F"), not 600"
grep -q "^languages = \[ 'ja', 'en', 'zh-Hans', 'pt-BR' \]" "$F" || fail "languages not saved: $(cat "$F")"
grep -q "^default_language = 'en'" "$F" || fail "default language not saved: $(cat "$F")"
grep -q "^consent_items = \[ 'surgery' \]" "$F" || fail "consent items not saved: $(cat "$F")"
grep -q "^card_front_device = 'none'" "$F" || fail "card-front camera not saved: $(cat "$F")"
grep -qF "admin_pin_hash = '\$argon2id\$v=" "$F" || fail "admin PIN hash not saved: $(cat "$F")"
grep -q '1357' "$LOG" && fail "the admin PIN's digits reached the log"

# The restart: the choices apply, the new PIN guards the menu, the set-up opens from it.
start_kiosk --camera "$WORK/clip.avi" --config "$WORK/kiosk.toml"
wait_state 'phase=attract lang=en'
admin_gesture
wait_state 'phase=admin_pin' 10
for d in 1 3 5 7; do tap "admin.pin.$d"; done
tap admin.pin.ok
wait_state 'phase=admin_menu' 10
tap admin.setup
wait_state 'phase=setup_reader'
wait_line '^UK buttons .*setup\.next@' 10
tap admin.back
wait_state 'phase=attract'
kill -TERM "$KIOSK_PID"; wait "$KIOSK_PID" || true

# A real kiosk (not the demo) on its first start, nothing chosen yet: the set-up pages come first.
rm -rf "$WORK/data"
KIOSK_DEMO_FLAG= start_kiosk --camera none
wait_line 'first start: no kiosk-setup.toml yet, opening the set-up' 10
wait_state 'phase=setup_reader'
echo "PASS setup_wizard"

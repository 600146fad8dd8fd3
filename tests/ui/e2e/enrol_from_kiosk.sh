#!/usr/bin/env bash
# Enrolment from the kiosk against a real uketsuke-reception: IT makes a one-time code on the reception
# (`kiosk invite`), types it in the kiosk's admin menu; the kiosk learns and pins the reception's certificate
# (the fingerprint it shows is the one the invite printed), saves its token, and after a restart its check-ins
# reach the reception (the done screen is not "offline"). Then a staff visual check (目視確認) answered by a
# clerk over the reception's staff API: the kiosk's request shows up there, the confirmation comes back to the
# kiosk and the check-in completes; the kiosk's heartbeat is on the staff's kiosk panel.
source "$(dirname "$0")/lib.sh"
start_reception kiosk-1
start_kiosk --config "$WORK/kiosk.toml" --camera none
wait_state 'phase=attract'
grep -q 'no reception configured' "$LOG" || fail "the kiosk did not say it has no reception yet"
admin_gesture
wait_state 'phase=admin_menu' 10
tap admin.enrol
enter_enrol_code
screenshot admin_enrolled
[ -s "$WORK/data/reception-token" ] || fail "no token saved"
[ "$(stat -c %a "$WORK/data/reception-token")" = 600 ] || fail "the token file is not 0600"
want=$(openssl x509 -in "$WORK/data/reception-cert.pem" -noout -fingerprint -sha256 | cut -d= -f2)
[ "SHA256:$want" = "$FP" ] || fail "pinned certificate $want is not the invite's $FP"
grep -q "${CODE//-/}" "$LOG" && fail "the code reached the kiosk's log"
tap admin.menu
wait_state 'phase=admin_menu'
tap admin.restart
wait_line '^UK exit' 10
wait "$KIOSK_PID" || true
# The restarted kiosk finds the saved enrolment and delivers its check-ins.
start_kiosk --config "$WORK/kiosk.toml" --camera none
wait_state 'phase=attract'
grep -q 'no reception configured' "$LOG" && fail "the restarted kiosk did not use the enrolment"
tap start
tap demo.card
wait_state 'phase=choose_method'
tap method.pin
wait_state 'phase=pin_entry'
type_pin 1234
tap pin.ok
wait_state 'phase=consent'
tap consent.agree_all
wait_state 'phase=confirm'
tap confirm.ok
wait_state 'phase=done offline=0' 20
tap demo.card
wait_state 'phase=attract' 20

# A clerk on the reception side.
staff_login hanako
tap start
tap demo.card
wait_state 'phase=choose_method'
tap method.staff
wait_state 'phase=waiting_for_staff'
VC=""
for _ in $(seq 100); do
    VC=$("${CURL[@]}" "$API/queue" | jq -r '.visual_checks[0].id // empty')
    [ -n "$VC" ] && break
    sleep 0.1
done
[ -n "$VC" ] || fail "the kiosk's visual-check request did not reach the reception"
"${CURL[@]}" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' -d '{}' \
    "$API/visual-checks/$VC/confirm" | jq -e '.state == "confirmed"' > /dev/null || fail "confirm failed"
wait_state 'phase=consent' 20
tap consent.agree_all
wait_state 'phase=confirm'
tap confirm.ok
wait_state 'phase=done offline=0' 20
"${CURL[@]}" "$API/queue" | jq -e '[.entries[].record.verification.method] | index("staff_visual") != null' \
    > /dev/null || fail "the staff-checked record is not on the queue"
"${CURL[@]}" "$API/queue" | jq -e '.kiosks[] | select(.kiosk_id == "kiosk-1" and .camera == "none" and .version != "")' > /dev/null ||
    fail "no heartbeat from kiosk-1 on the staff's panel"
echo "PASS enrol_from_kiosk"

#!/usr/bin/env bash
# A real kiosk's first start, as facility IT meets it after installing the package: kiosk.toml names the kiosk and
# the reception (a real uketsuke-reception here, started and stopped by PID) but there is no enrolment yet. The
# kiosk opens its set-up pages by itself; the reception test says it answers but is not trusted yet; the
# enrolment with the invite's one-time code pins its certificate; the test then says "reachable and trusted";
# camera none, an admin PIN typed twice, save. The restarted kiosk goes straight to the patient screens and its
# heartbeat shows on the staff's kiosk panel.
source "$(dirname "$0")/lib.sh"
start_reception kiosk-7

KIOSK_DEMO_FLAG= start_kiosk --config "$WORK/kiosk.toml" --camera none
wait_state 'phase=setup_reader'
tap setup.next
wait_state 'phase=setup_camera'
tap setup.choice.none
tap setup.next
wait_state 'phase=setup_reception'
tap setup.test_reception
wait_line 'set-up test: 注意 Warning: .* reachable, but its certificate is not pinned' 20
tap setup.enrol
enter_enrol_code
tap admin.menu  # "back to set-up"
wait_state 'phase=setup_reception'
tap setup.test_reception
wait_line 'set-up test: 接続できました OK: .* reachable and trusted' 20
sleep 0.3
screenshot first_start_reception
tap setup.next
wait_state 'phase=setup_languages'
tap setup.next
wait_state 'phase=setup_consent'
tap setup.next
wait_state 'phase=setup_admin_pin'
for pass in 1 2; do
    for d in 2 4 6 8; do tap "setup.pin.$d"; done
    tap setup.pin.ok
done
wait_line 'set-up: admin PIN set' 20
tap setup.next
wait_state 'phase=setup_finish'
tap setup.next
wait_line '^UK exit' 20
wait "$KIOSK_PID" || true
grep -q '2468' "$LOG" && fail "the admin PIN's digits reached the log"

# As systemd would: the same command again. Set-up done, enrolled: the patient screens, and a heartbeat.
KIOSK_DEMO_FLAG= start_kiosk --config "$WORK/kiosk.toml" --camera none
wait_state 'phase=attract'
grep -q 'no reception configured\|opening the set-up' "$LOG" && fail "the restarted kiosk did not use its set-up"
staff_login hanako
for _ in $(seq 100); do
    "${CURL[@]}" "$API/queue" | jq -e '.kiosks[] | select(.kiosk_id == "kiosk-7" and .camera == "none")' \
        > /dev/null 2>&1 && break
    sleep 0.2
done
"${CURL[@]}" "$API/queue" | jq -e '.kiosks[] | select(.kiosk_id == "kiosk-7" and .camera == "none")' > /dev/null ||
    fail "no heartbeat from kiosk-7 on the staff's panel"
echo "PASS first_start_setup"

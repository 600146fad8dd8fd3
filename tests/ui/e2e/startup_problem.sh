#!/usr/bin/env bash
# A kiosk whose configuration file has errors does not restart into a black screen: it shows each problem with
# its fix (file, line, key), the same lines go to the journal (stderr), and "try again" exits for a fresh start
# (exit 0: systemd starts it anew). With the file corrected, the next start reaches the patient screens.
source "$(dirname "$0")/lib.sh"
printf '[facility]\ncode = "12"\n[camrea]\ndevice = "0"\n' > "$WORK/kiosk.toml"
start_kiosk --config "$WORK/kiosk.toml" --camera none
wait_state 'phase=startup_problem'
grep -qF "$WORK/kiosk.toml:2: facility.code: \"12\" is not 10 digits. Fix: " "$LOG" || fail "the journal line is missing"
grep -qF "$WORK/kiosk.toml:3: camrea: unknown section or key. Fix: did you mean \"camera\"?" "$LOG" ||
    fail "the second problem is missing"
wait_line '^UK buttons .*startup\.retry@' 10
sleep 0.3
screenshot startup_problem
printf '[facility]\ncode = "1312345678"\n[camera]\ndevice = "0"\n' > "$WORK/kiosk.toml"
tap startup.retry
wait_line '^UK exit' 10
rc=0
wait "$KIOSK_PID" || rc=$?
[ "$rc" = 0 ] || fail "try again exited with $rc, not 0"
start_kiosk --config "$WORK/kiosk.toml" --camera none
wait_state 'phase=attract'
echo "PASS startup_problem"

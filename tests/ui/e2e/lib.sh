#!/usr/bin/env bash
# Shared helpers for the end-to-end patient scripts: start Xvfb and uketsuke-kiosk (both stopped by PID at
# exit), read the kiosk's machine-readable stdout lines, touch buttons by id with xdotool.
# Usage in a script: source lib.sh; start_kiosk [extra kiosk args]; tap start; wait_state 'phase=waiting_for_card'
set -euo pipefail

KIOSK=${KIOSK:?set KIOSK to the uketsuke-kiosk binary}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/uk-e2e.XXXXXX")
LOG="$WORK/kiosk.log"
XVFB_PID=""
KIOSK_PID=""
EXTRA_PIDS=()  # more processes a script started (stopped after the kiosk, last started first)
W=1280
H=800

cleanup() {
    local rc=$?
    if [ -n "$KIOSK_PID" ] && kill -0 "$KIOSK_PID" 2>/dev/null; then kill -TERM "$KIOSK_PID" 2>/dev/null || true; wait "$KIOSK_PID" 2>/dev/null || true; fi
    local i
    for ((i = ${#EXTRA_PIDS[@]} - 1; i >= 0; i--)); do
        local pid=${EXTRA_PIDS[$i]}
        if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    done
    if [ -n "$XVFB_PID" ] && kill -0 "$XVFB_PID" 2>/dev/null; then kill -TERM "$XVFB_PID" 2>/dev/null || true; wait "$XVFB_PID" 2>/dev/null || true; fi
    if [ $rc -ne 0 ]; then
        echo "---- kiosk log (last 40 lines) ----"
        tail -n 40 "$LOG" 2>/dev/null || true
    fi
    rm -rf "$WORK"
    exit $rc
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

start_kiosk() {
    if [ -z "$XVFB_PID" ]; then  # a second kiosk start (after a restart) reuses the display
        : > "$WORK/displayfd"
        Xvfb -displayfd 3 -screen 0 ${W}x${H}x24 -nolisten tcp -noreset 3>"$WORK/displayfd" 2>"$WORK/xvfb.log" &
        XVFB_PID=$!
        for _ in $(seq 100); do [ -s "$WORK/displayfd" ] && break; sleep 0.05; done
        [ -s "$WORK/displayfd" ] || fail "Xvfb did not start: $(cat "$WORK/xvfb.log")"
        export DISPLAY=":$(head -n1 "$WORK/displayfd")"
    fi
    : > "$LOG"  # exists before the kiosk opens it: wait_line reads it at once
    # KIOSK_DEMO_FLAG= (set and empty) starts the kiosk as a real one (no demo controls, set-up at first start).
    SDL_AUDIODRIVER=dummy "$KIOSK" ${KIOSK_DEMO_FLAG---demo} --data "$WORK/data" --size ${W}x${H} "$@" > "$LOG" 2>&1 &
    KIOSK_PID=$!
    wait_line '^UK ready' 60
}

# wait_line REGEX [seconds]: until a line of the log matches.
wait_line() {
    local re=$1 t=${2:-20}
    local end=$((SECONDS + t))
    while [ $SECONDS -lt $end ]; do
        grep -qE "$re" "$LOG" && return 0
        kill -0 "$KIOSK_PID" 2>/dev/null || fail "kiosk exited while waiting for /$re/"
        sleep 0.05
    done
    fail "timed out after ${t}s waiting for /$re/"
}

last_state() { grep '^UK state' "$LOG" | tail -n1; }

# wait_state REGEX [seconds]: until the CURRENT state line matches (all of the space-separated fields).
wait_state() {
    local t=${2:-20}
    local end=$((SECONDS + t))
    while [ $SECONDS -lt $end ]; do
        local s ok=1
        s=$(last_state)
        for f in $1; do [[ " $s " == *" $f "* ]] || ok=0; done
        [ $ok = 1 ] && return 0
        kill -0 "$KIOSK_PID" 2>/dev/null || fail "kiosk exited while waiting for state '$1'"
        sleep 0.05
    done
    fail "timed out after ${t}s waiting for state '$1' (now: $(last_state))"
}

# tap ID: touch the centre of the button with that id on the current screen.
tap() {
    local id=$1 end=$((SECONDS + 10)) pos=""
    while [ $SECONDS -lt $end ]; do
        # Only a buttons line printed after the latest state line describes the screen now shown.
        pos=$(awk '/^UK state/ {b = ""} /^UK buttons/ {b = $0} END {print b}' "$LOG" | tr ' ' '\n' |
            grep -E "^${id//./\\.}@" | head -n1 | cut -d@ -f2 || true)
        [ -n "$pos" ] && break
        sleep 0.05
    done
    [ -n "$pos" ] || fail "no button '$id' on screen (state: $(last_state); $(grep '^UK buttons' "$LOG" | tail -n1))"
    xdotool mousemove "${pos%,*}" "${pos#*,}"
    sleep 0.08
    xdotool click 1
    sleep 0.12
}

# type_pin DIGITS: press the keypad keys.
type_pin() {
    local d
    for d in $(echo "$1" | grep -o .); do tap "pin.$d"; done
}

# screenshot NAME: the X screen as PNG into $UK_E2E_OUT (the build folder's ui-e2e/) for reviewers.
screenshot() {
    [ -n "${UK_E2E_OUT:-}" ] || return 0
    mkdir -p "$UK_E2E_OUT"
    /usr/bin/import -display "$DISPLAY" -window root "$UK_E2E_OUT/$1.png" 2>/dev/null || fail "screenshot $1 failed"
}

# start_face_kiosk [extra kiosk args]: the face path on recorded input: the camera is a 30 s clip (MJPEG,
# 15 fps, cropped like a webcam frame) of one still photo of a person from ../shared, the simulated card's chip
# photo another photo of the same person; waits until the face models are loaded.
# make_face_clip OUT: a 30 s clip (MJPEG, 15 fps, 640x480 like a webcam frame) of one still photo of a person
# from ../shared.
make_face_clip() {
    local shared=${UK_SHARED_DIR:?}
    [ -f "$shared/data/faces/obama/1.jpg" ] || fail "test photos missing: $shared/data/faces (../shared)"
    /usr/bin/convert "$shared/data/faces/obama/1.jpg" -resize 420x -background "#808080" -gravity north \
        -extent 640x480 "$WORK/frame.png" 2>/dev/null
    ffmpeg -loglevel error -loop 1 -i "$WORK/frame.png" -t 30 -r 15 -c:v mjpeg -q:v 3 "$1" ||
        fail "ffmpeg could not make the clip"
}

start_face_kiosk() {
    local shared=${UK_SHARED_DIR:?} models=${UK_MODELS_DIR:?}
    [ -f "$shared/data/faces/obama/1.jpg" ] || fail "test photos missing: $shared/data/faces (../shared)"
    [ -f "$models/faceplugin/fr_feature.onnx" ] || fail "face models missing in $models (run scripts/setup.d/10-models.sh)"
    make_face_clip "$WORK/clip.avi"
    start_kiosk --camera "$WORK/clip.avi" --card-photo "$shared/data/faces/obama/2.jpg" --models "$models" "$@"
    wait_line 'face path ready' 60
}

# admin_gesture: the four corners in order (top-left, top-right, bottom-right, bottom-left).
corner() { xdotool mousemove "$1" "$2"; sleep 0.08; xdotool click 1; sleep 0.15; }
admin_gesture() { corner 4 4; corner $((W - 4)) 4; corner $((W - 4)) $((H - 4)); corner 4 $((H - 4)); }

# start_pcscd: pcscd with its own vpcd reader ("Uketsuke UI VPCD 00 00") on a free port ($PORT), stopped by PID at
# exit; takes the machine-wide pcscd lock of tests/card/pcscd_fixture.h (another build tree's tests may run one).
start_pcscd() {
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
}

# insert_card IDENTITY: the simulated card on the vpcd reader (uketsuke-cardsim, $CARDSIM); CARDSIM_PID stops it
# (taking the card out).
insert_card() {
    local cardsim=${CARDSIM:?set CARDSIM to uketsuke-cardsim}
    "$cardsim" --identity "$1" --data "$WORK/cards" --port "$PORT" > "$WORK/cardsim.log" 2>&1 &
    CARDSIM_PID=$!
    EXTRA_PIDS+=("$CARDSIM_PID")
}

# start_reception KIOSK_ID: a real uketsuke-reception ($RECEPTION) on a free port ($PORT), stopped by PID at exit,
# with a one-time enrolment invite for KIOSK_ID ($CODE, and the certificate's $FP), and $WORK/kiosk.toml naming
# the kiosk and the reception.
start_reception() {
    local reception=${RECEPTION:?set RECEPTION to uketsuke-reception}
    PORT=$((20000 + RANDOM % 20000))
    "$reception" kiosk invite "$1" --data "$WORK/rec" > "$WORK/invite.txt" || fail "kiosk invite failed"
    CODE=$(awk '/^code:/ {print $2}' "$WORK/invite.txt")
    FP=$(awk '/^fingerprint:/ {print $2}' "$WORK/invite.txt")
    [ ${#CODE} = 14 ] || fail "no code in: $(cat "$WORK/invite.txt")"
    "$reception" serve --data "$WORK/rec" --listen "127.0.0.1:$PORT" > "$WORK/reception.log" 2>&1 &
    EXTRA_PIDS+=("$!")
    for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
    printf '[kiosk]\nid = "%s"\n[reception]\nurl = "https://127.0.0.1:%s"\n' "$1" "$PORT" > "$WORK/kiosk.toml"
}

# staff_login NAME: adds a clerk NAME to the reception and logs in over the staff API; $API, the CURL array (with
# the session's cookie jar) and $CSRF are then set.
staff_login() {
    echo 'clerk-password-for-tests' | "$RECEPTION" user add "$1" --role clerk --data "$WORK/rec" > /dev/null ||
        fail "user add failed"
    API="https://127.0.0.1:$PORT/api/v1"
    CURL=(curl -s --cacert "$WORK/data/reception-cert.pem" --resolve "127.0.0.1:$PORT:127.0.0.1" -b "$WORK/jar" -c "$WORK/jar")
    CSRF=$("${CURL[@]}" -H 'Content-Type: application/json' \
        -d "{\"name\":\"$1\",\"password\":\"clerk-password-for-tests\"}" "$API/login" | jq -r .csrf)
    [ -n "$CSRF" ] && [ "$CSRF" != null ] || fail "staff login failed"
}

# enter_enrol_code: types $CODE on the kiosk's enrolment page, sends it and waits until the enrolment is done.
enter_enrol_code() {
    wait_state 'phase=admin_enrol'
    local c
    for c in $(echo "${CODE//-/}" | grep -o .); do tap "admin.code.$c"; done
    tap admin.code.send
    wait_line 'enrolment: (done|failed)' 30
    grep -q 'enrolment: done' "$LOG" || fail "enrolment failed"
}

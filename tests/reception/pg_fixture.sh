#!/usr/bin/env bash
# Starts / stops a private PostgreSQL 15 cluster for the reception tests and benchmark.
#   pg_fixture.sh start STATE_DIR   initdb in a fresh temp dir, start postgres on a unix socket only, write the
#                                   libpq conninfo to STATE_DIR/conninfo and the temp dir to STATE_DIR/cluster
#   pg_fixture.sh stop STATE_DIR    stop that postgres by its PID (SIGTERM, then SIGKILL after 10 s), remove it
# As root, the cluster runs as user nobody (postgres refuses to run as root). Never touches another cluster.
set -euo pipefail
cmd=${1:?start|stop}
state=${2:?STATE_DIR}
bin=${UK_PG_BIN:-/usr/lib/postgresql/15/bin}
port=${UK_PG_PORT:-54329}
mkdir -p "$state"

as_db_user() {
    if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

stop_cluster() {
    [ -f "$state/cluster" ] || return 0
    local dir pid
    dir=$(cat "$state/cluster")
    if [ -f "$dir/data/postmaster.pid" ]; then
        pid=$(head -1 "$dir/data/postmaster.pid")
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid"
            for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
        fi
    fi
    case "$dir" in /tmp/uk-pg.*) rm -rf "$dir" ;; esac
    rm -f "$state/cluster" "$state/conninfo"
}

case "$cmd" in
start)
    stop_cluster
    [ -x "$bin/initdb" ] || { echo "pg_fixture: $bin/initdb not found: apt-get install postgresql" >&2; exit 1; }
    dir=$(mktemp -d /tmp/uk-pg.XXXXXX)
    echo "$dir" > "$state/cluster"
    chmod 755 "$dir"
    [ "$(id -u)" = 0 ] && chown nobody "$dir"
    as_db_user "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 \
        > "$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    # Unix socket only (no TCP port to collide with), logging to a file in the cluster dir.
    as_db_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-c listen_addresses='' -k $dir -p $port -c max_connections=200 -c shared_buffers=64MB" start \
        > /dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "host=$dir port=$port user=postgres dbname=postgres connect_timeout=5" > "$state/conninfo"
    echo "pg_fixture: PostgreSQL running (pid $(head -1 "$dir/data/postmaster.pid")), $(cat "$state/conninfo")"
    ;;
stop)
    stop_cluster
    echo "pg_fixture: stopped"
    ;;
*)
    echo "usage: pg_fixture.sh start|stop STATE_DIR" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# Runs the reception benchmark on SQLite and on a private PostgreSQL cluster; prints one JSON line each.
# Usage: bench/reception/run.sh [BUILD_DIR] [extra reception_bench args]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/release}
shift || true
exe=$build/bench/reception/reception_bench
[ -x "$exe" ] || { echo "build reception_bench first (cmake --build $build --target reception_bench)" >&2; exit 1; }
"$exe" --store sqlite "$@"
state=$(mktemp -d /tmp/uk-bench-pg.XXXXXX)
trap '"$root/tests/reception/pg_fixture.sh" stop "$state" > /dev/null; rm -rf "$state"' EXIT
"$root/tests/reception/pg_fixture.sh" start "$state" > /dev/null
"$exe" --store postgres --pg "$(cat "$state/conninfo")" "$@"

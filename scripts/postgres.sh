#!/usr/bin/env bash
# A throwaway PostgreSQL server on 127.0.0.1 for the tests: `scripts/postgres.sh start DIR`
# prints the admin URL; `scripts/postgres.sh stop DIR` stops it and removes DIR. `pause DIR` stops
# the server and keeps its files, `resume DIR` starts it again on the same port (the readiness test
# takes a node's PostgreSQL away and gives it back).
# PostgreSQL refuses to run as root, so when we are root it runs as the `postgres` user. Tests run it
# with fsync off; benchmarks set SESAME_PG_FSYNC=on so that commits are as durable as SQLite's.
set -euo pipefail

cmd=${1:?usage: postgres.sh start|stop|pause|resume DIR}
dir=${2:?usage: postgres.sh start|stop|pause|resume DIR}

pgbin() {
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && { echo "$d"; return; }
    done
    command -v initdb >/dev/null && { dirname "$(command -v initdb)"; return; }
    return 1
}

as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

case "$cmd" in
start)
    bin=$(pgbin) || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync >"$dir/initdb.log" 2>&1
    port=$(free_port)
    echo "$port" >"$dir/port"
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=${SESAME_PG_FSYNC:-off} -c max_connections=200" start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/postgres?tlsmode=disable"
    ;;
pause)
    bin=$(pgbin)
    as_pg "$bin/pg_ctl" -D "$dir/data" -w -m fast stop >/dev/null
    ;;
resume)
    bin=$(pgbin)
    port=$(cat "$dir/port")
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=${SESAME_PG_FSYNC:-off} -c max_connections=200" start >/dev/null
    ;;
stop)
    bin=$(pgbin) || exit 0
    if [ -d "$dir/data" ]; then as_pg "$bin/pg_ctl" -D "$dir/data" -w -m fast stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: postgres.sh start|stop|pause|resume DIR" >&2
    exit 2
    ;;
esac

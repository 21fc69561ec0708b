# Throwaway PostgreSQL cluster, sourced by scripts/test and scripts/with-postgres.
#
#   pg_throwaway_start   initdb a cluster in a temporary folder, start it on a free
#                        loopback port, create the `rencontres` database and export
#                        DATABASE_URL=postgres://postgres@127.0.0.1:PORT/rencontres
#   pg_throwaway_stop    stop it and delete the folder (safe to call twice)
#   pg_ensure_database   check that DATABASE_URL answers; create its database if missing
#
# initdb refuses to run as root, so as root the cluster belongs to the `postgres`
# user (created by Debian's postgresql package) and runs under `runuser`. It trusts
# local connections, keeps no durability (fsync off) and lives only as long as the run.
# Callers set `trap pg_throwaway_stop EXIT` so it goes away also when tests fail.

PG_TMP=""
PG_BIN=""

_pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_throwaway_start() {
    PG_BIN="$(pg_bindir)"
    [ -n "$PG_BIN" ] || die "no PostgreSQL server binaries: run scripts/system-deps postgresql"
    PG_TMP="$(mktemp -d "${TMPDIR:-/tmp}/rencontres-pg.XXXXXX")"
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || die "no \`postgres\` user to own the throwaway cluster"
        chown postgres: "$PG_TMP"
    fi

    # C.UTF-8 rather than C: the full-text parser needs a UTF-8 ctype to see "é" as a letter.
    local locale=(--locale=C.UTF-8)
    locale -a 2>/dev/null | grep -qix 'c\.utf-\?8' || locale=(--no-locale)
    _pg_as_owner "$PG_BIN/initdb" --pgdata="$PG_TMP/data" --username=postgres \
        --auth=trust --encoding=UTF8 "${locale[@]}" --no-sync >"$PG_TMP/initdb.log" 2>&1 \
        || { cat "$PG_TMP/initdb.log" >&2; die "initdb failed"; }

    local port attempt
    for attempt in 1 2 3; do
        port="$(free_port)"
        if _pg_as_owner "$PG_BIN/pg_ctl" --pgdata="$PG_TMP/data" --log="$PG_TMP/postgres.log" \
            --wait --silent start --options="-c listen_addresses=127.0.0.1 -c port=$port \
-c unix_socket_directories=$PG_TMP -c fsync=off -c synchronous_commit=off \
-c full_page_writes=off -c max_connections=200"; then
            break
        fi
        [ "$attempt" -eq 3 ] && { cat "$PG_TMP/postgres.log" >&2; die "PostgreSQL did not start"; }
    done

    export DATABASE_URL="postgres://postgres@127.0.0.1:$port/rencontres"
    pg_ensure_database
    log "throwaway PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($PG_TMP)"
}

pg_throwaway_stop() {
    [ -n "$PG_TMP" ] || return 0
    if [ -f "$PG_TMP/data/postmaster.pid" ]; then
        _pg_as_owner "$PG_BIN/pg_ctl" --pgdata="$PG_TMP/data" --mode=immediate --wait --silent \
            stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_TMP"
    log "throwaway PostgreSQL stopped and removed"
    PG_TMP=""
}

pg_ensure_database() {
    "$PY" - <<'PYTHON'
import os
import sys

import dj_database_url
import psycopg
from psycopg import sql

db = dj_database_url.parse(os.environ["DATABASE_URL"])
server = {
    "host": db["HOST"] or None,
    "port": db["PORT"] or None,
    "user": db["USER"] or None,
    "password": db["PASSWORD"] or None,
    "connect_timeout": 10,
}
try:
    psycopg.connect(dbname=db["NAME"], **server).close()
except psycopg.OperationalError as error:
    if "does not exist" not in str(error):
        sys.exit(f"cannot connect to DATABASE_URL: {error}")
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
    print(f"created database {db['NAME']}", file=sys.stderr)
PYTHON
}

# Throwaway Redis server, sourced by scripts/serve (the test suite starts its own).
#
#   redis_throwaway_start   start Debian's redis-server on a free loopback port, with no
#                           persistence, in a temporary folder; export REDIS_URL
#   redis_throwaway_stop    stop it and delete the folder (safe to call twice)
#   redis_ping              check that REDIS_URL answers
#
# Callers set `trap redis_throwaway_stop EXIT` so that it goes away whatever happens.

REDIS_TMP=""

redis_throwaway_start() {
    command -v redis-server >/dev/null || die "no redis-server: run scripts/system-deps redis"
    REDIS_TMP="$(mktemp -d "${TMPDIR:-/tmp}/rencontres-redis.XXXXXX")"
    local port attempt
    for attempt in 1 2 3; do
        port="$(free_port)"
        if redis-server --bind 127.0.0.1 --port "$port" --dir "$REDIS_TMP" \
            --save "" --appendonly no --daemonize yes \
            --pidfile "$REDIS_TMP/redis.pid" --logfile "$REDIS_TMP/redis.log" \
            && REDIS_URL="redis://127.0.0.1:$port/0" redis_ping 2>/dev/null; then
            break
        fi
        [ "$attempt" -eq 3 ] && { cat "$REDIS_TMP/redis.log" >&2; die "Redis did not start"; }
    done
    export REDIS_URL="redis://127.0.0.1:$port/0"
    log "throwaway Redis $(redis-server --version | awk '{print $3}' | tr -d v=) on 127.0.0.1:$port"
}

redis_throwaway_stop() {
    [ -n "$REDIS_TMP" ] || return 0
    if [ -f "$REDIS_TMP/redis.pid" ]; then
        kill "$(cat "$REDIS_TMP/redis.pid")" 2>/dev/null || true
    fi
    rm -rf "$REDIS_TMP"
    log "throwaway Redis stopped and removed"
    REDIS_TMP=""
}

# Answers PONG within 5 seconds (it may still be loading).
redis_ping() {
    "$PY" - <<'PYTHON'
import os
import sys
import time

import redis

client = redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=1, socket_timeout=1)
for _ in range(50):
    try:
        client.ping()
        sys.exit(0)
    except redis.exceptions.RedisError as error:
        last = error
        time.sleep(0.1)
sys.exit(f"Redis at REDIS_URL does not answer: {last}")
PYTHON
}

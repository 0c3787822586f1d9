#!/usr/bin/env bash
# A local scale-out cluster without Docker: one redis-server on a free port and N Daphne
# processes on consecutive ports, all sharing REDIS_URL (channel layer + cache) and one
# database (var/db.sqlite3, or DATABASE_URL when it is set). No nginx: talk to each port.
#
#   deploy/cluster-local.sh [start] [N]   start N Daphne processes (default 2, or $PROCESSES)
#   deploy/cluster-local.sh status        show what is running
#   deploy/cluster-local.sh stop          stop everything it started, by the PIDs it recorded
#
# Environment: BASE_PORT (first Daphne port to try, default 8001), DATABASE_URL,
# CHANNEL_LAYER_BACKEND, DJANGO_SETTINGS_MODULE (default mockroom.settings.local; with
# mockroom.settings.production also set SECRET_KEY and an ALLOWED_HOSTS that has 127.0.0.1).
# PIDs, ports and logs go to var/cluster/. Everything binds to 127.0.0.1 only.
set -euo pipefail

cd "$(dirname "$0")/.."
RUN_DIR=var/cluster
BIN=.venv/bin
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-mockroom.settings.local}"

die() { echo "cluster-local: $*" >&2; exit 1; }

# True when nothing listens on 127.0.0.1:$1 and we may bind it.
port_free() {
  "$BIN/python" - "$1" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Daphne does: ignore TIME_WAIT
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
}

free_port() {
  "$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Is the PID in file $1 alive and still running a command containing $2?
alive() {
  local pid cmd
  pid="$(cat "$1" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *"$2"* ]]
}

wait_healthy() {  # port, seconds
  local port=$1 deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    # X-Forwarded-Proto keeps production settings from redirecting the probe to https.
    if curl -fsS --max-time 2 -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$port/healthz" \
      >/dev/null 2>&1; then return 0; fi
    sleep 0.3
  done
  return 1
}

start() {
  local n="${1:-${PROCESSES:-2}}"
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive number, got '$n'"
  [ -x "$BIN/daphne" ] || die "no $BIN/daphne; run 'make venv' first"
  command -v redis-server >/dev/null || die "redis-server is not installed; run 'make system-deps'"
  mkdir -p "$RUN_DIR"
  for f in "$RUN_DIR"/*.pid; do
    [ -e "$f" ] || continue
    if alive "$f" "daphne" || alive "$f" "redis-server"; then
      die "already running ($f); run '$0 stop' first"
    fi
    rm -f "$f"
  done

  # Database: SQLite by default; apply migrations only when some are missing.
  if ! "$BIN/python" manage.py migrate --check >/dev/null 2>&1; then
    mkdir -p var
    "$BIN/python" manage.py migrate --noinput
  fi

  local redis_port
  redis_port="$(free_port)"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
    >"$RUN_DIR/redis.log" 2>&1 &
  echo $! >"$RUN_DIR/redis.pid"
  export REDIS_URL="redis://127.0.0.1:$redis_port/0"
  local up=0
  for _ in $(seq 50); do
    if "$BIN/python" -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).ping()" \
      "$REDIS_URL" 2>/dev/null; then up=1; break; fi
    sleep 0.1
  done
  if [ $up -ne 1 ]; then
    stop
    die "redis-server did not start; see $RUN_DIR/redis.log"
  fi

  # N consecutive free ports, starting at BASE_PORT and moving up past busy ones.
  local first="${BASE_PORT:-8001}" i ok
  while :; do
    ok=1
    for ((i = 0; i < n; i++)); do
      port_free $((first + i)) || { ok=0; first=$((first + i + 1)); break; }
    done
    [ $ok -eq 1 ] && break
    [ "$first" -lt 65000 ] || die "no $n consecutive free ports found"
  done

  {
    echo "REDIS_URL=$REDIS_URL"
    echo "PORTS=\"$(seq -s ' ' "$first" $((first + n - 1)))\""
  } >"$RUN_DIR/cluster.env"

  local port
  for ((i = 0; i < n; i++)); do
    port=$((first + i))
    # Started directly in the background, so $! is Daphne's own PID.
    "$BIN/daphne" -b 127.0.0.1 -p "$port" mockroom.asgi:application \
      >"$RUN_DIR/daphne-$port.log" 2>&1 &
    echo $! >"$RUN_DIR/daphne-$port.pid"
  done

  local failed=0
  for ((i = 0; i < n; i++)); do
    port=$((first + i))
    if wait_healthy "$port" 30; then
      echo "daphne :$port pid $(cat "$RUN_DIR/daphne-$port.pid")  http://127.0.0.1:$port/"
    else
      echo "daphne :$port did not become healthy; see $RUN_DIR/daphne-$port.log" >&2
      failed=1
    fi
  done
  echo "redis  :$redis_port pid $(cat "$RUN_DIR/redis.pid")  $REDIS_URL"
  echo "settings $DJANGO_SETTINGS_MODULE, database ${DATABASE_URL:-var/db.sqlite3}"
  if [ $failed -ne 0 ]; then
    stop
    die "start failed"
  fi
}

stop_one() {  # pid file, command pattern
  local f=$1 pattern=$2 pid
  pid="$(cat "$f" 2>/dev/null || true)"
  if alive "$f" "$pattern"; then
    kill -TERM "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
    echo "stopped $(basename "$f" .pid) (pid $pid)"
  fi
  rm -f "$f"
}

stop() {
  [ -d "$RUN_DIR" ] || return 0
  for f in "$RUN_DIR"/daphne-*.pid; do
    [ -e "$f" ] && stop_one "$f" daphne
  done
  [ -e "$RUN_DIR/redis.pid" ] && stop_one "$RUN_DIR/redis.pid" redis-server
  rm -f "$RUN_DIR/cluster.env"
}

status() {
  local any=0 f
  for f in "$RUN_DIR"/*.pid; do
    [ -e "$f" ] || continue
    any=1
    if alive "$f" daphne || alive "$f" redis-server; then
      echo "$(basename "$f" .pid): running (pid $(cat "$f"))"
    else
      echo "$(basename "$f" .pid): not running (stale pid file)"
    fi
  done
  [ $any -eq 1 ] || echo "not running"
}

case "${1:-start}" in
  start) start "${2:-}" ;;
  stop) stop ;;
  status) status ;;
  [0-9]*) start "$1" ;;
  *) die "usage: $0 [start [N] | N | status | stop]" ;;
esac

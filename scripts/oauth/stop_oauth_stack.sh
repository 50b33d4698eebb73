#!/usr/bin/env bash
# Stops what start_oauth_stack.sh started in BASE_DIR, by the PIDs it recorded.
set -uo pipefail
BASE=${1:?usage: stop_oauth_stack.sh BASE_DIR}

stop_pid() { # pidfile
  [ -f "$1" ] || return 0
  local pid
  pid=$(cat "$1")
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.05; done
  kill -9 "$pid" 2>/dev/null || true
}

if [ -f "$BASE/postfix/spool/pid/master.pid" ]; then
  postfix -c "$BASE/postfix/etc" stop >/dev/null 2>&1 || true
fi
stop_pid "$BASE/run/master.pid"
stop_pid "$BASE/run/issuer.pid"
rm -f "$BASE/run/issuer.pid"
echo "oauth stack in $BASE stopped"

#!/usr/bin/env bash
# Stops what start_oauth_stack.sh started in BASE_DIR, by the PIDs it recorded.
set -uo pipefail
BASE=${1:?usage: stop_oauth_stack.sh BASE_DIR}

# Running and not a zombie: a stopped daemon stays a zombie until its parent (often the
# container's init) reaps it, and must not be waited for.
running() { # pid
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "${state:0:1}" != Z ]
}

stop_pid() { # pidfile
  [ -f "$1" ] || return 0
  local pid
  pid=$(cat "$1")
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do running "$pid" || return 0; sleep 0.05; done
  kill -9 "$pid" 2>/dev/null || true
}

if [ -f "$BASE/postfix/spool/pid/master.pid" ]; then
  postfix -c "$BASE/postfix/etc" stop >/dev/null 2>&1 || true
fi
stop_pid "$BASE/run/master.pid"
stop_pid "$BASE/run/issuer.pid"
rm -f "$BASE/run/issuer.pid"
echo "oauth stack in $BASE stopped"

#!/usr/bin/env bash
# Stops the whole mail stack in BASE: SMTP first, then Dovecot. Only by PID files.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
BASE=${1:?usage: stop.sh BASE}
load_stack_env "$BASE"
stop_owner_watch "$BASE/etc/watcher.pid"

"$HERE/stop-smtp.sh" "$BASE" || true
if [ -f "$BASE/run/master.pid" ]; then
  pid=$(cat "$BASE/run/master.pid")
  kill "$pid" 2>/dev/null || true   # the Dovecot master stops its own children
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
fi
wait_port_closed "$IMAP_PORT" 10 || { echo "Dovecot still listens on $IMAP_PORT" >&2; exit 1; }

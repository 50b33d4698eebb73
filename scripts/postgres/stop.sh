#!/usr/bin/env bash
# Stops the throw-away cluster in BASE (pg_ctl finds the postmaster through its PID file).
set -uo pipefail
BASE=${1:?usage: stop.sh BASE}
if [ -f "$BASE.watcher" ]; then
  kill -- "-$(cat "$BASE.watcher")" 2>/dev/null || true
  rm -f "$BASE.watcher"
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
[ -f "$BASE/data/postmaster.pid" ] || exit 0
if [ "$(id -u)" = 0 ]; then
  runuser -u "$(stat -c %U "$BASE/data")" -- "$PGBIN/pg_ctl" -D "$BASE/data" -m fast -w stop
else
  "$PGBIN/pg_ctl" -D "$BASE/data" -m fast -w stop
fi

#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster below BASE: loopback only, durability off (the data
# is thrown away), run by an unprivileged user because initdb refuses root.
#
#   start.sh BASE      the connection URL ends up in BASE/cluster.env (DATABASE_URL=...)
#
# Environment (optional): PGPORT (a free port when unset), PG_RUN_USER (postgres when root),
# PYTHON (used to find a free port), OWNER_PID (stop and remove the cluster when that process
# ends, e.g. a killed test run).
set -euo pipefail
BASE=${1:?usage: start.sh BASE}
mkdir -p "$BASE"
BASE=$(cd "$BASE" && pwd)
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL server not installed (apt-get install postgresql)" >&2; exit 3; }
PORT=${PGPORT:-$("${PYTHON:-python3}" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
DBUSER=zivverdesk
# A fresh password per cluster; it only ever protects a loopback socket of throw-away data.
DBPASS=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')

if [ "$(id -u)" = 0 ]; then
  RUN_USER=${PG_RUN_USER:-postgres}
  id "$RUN_USER" >/dev/null 2>&1 || useradd --system --user-group --no-create-home \
    --home-dir /nonexistent --shell /usr/sbin/nologin "$RUN_USER"
  as_run_user() { runuser -u "$RUN_USER" -- "$@"; }
else
  RUN_USER=$(id -un)
  as_run_user() { "$@"; }
fi

chown "$RUN_USER" "$BASE"
chmod 700 "$BASE"
printf '%s\n' "$DBPASS" > "$BASE/.pw"
chown "$RUN_USER" "$BASE/.pw"
chmod 600 "$BASE/.pw"
as_run_user mkdir -p "$BASE/sock"

if [ ! -f "$BASE/data/PG_VERSION" ]; then
  as_run_user "$PGBIN/initdb" -D "$BASE/data" -U "$DBUSER" --pwfile="$BASE/.pw" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync \
    >"$BASE/initdb.log" 2>&1 || { tail -n 20 "$BASE/initdb.log" >&2; exit 1; }
fi
rm -f "$BASE/.pw"
as_run_user "$PGBIN/pg_ctl" -D "$BASE/data" -l "$BASE/postgres.log" -w -t 30 \
  -o "-k $BASE/sock -p $PORT -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >"$BASE/pg_ctl.log" 2>&1 || { tail -n 20 "$BASE/postgres.log" >&2; exit 1; }

cat > "$BASE/cluster.env" <<ENV
DATABASE_URL=postgresql://$DBUSER:$DBPASS@127.0.0.1:$PORT/postgres
PGPORT=$PORT
PG_RUN_USER=$RUN_USER
ENV
chmod 600 "$BASE/cluster.env"
if [ -n "${OWNER_PID:-}" ]; then
  # The watcher file sits beside BASE: BASE belongs to the cluster's user (mode 700).
  setsid bash -c 'tail --pid="$1" -f /dev/null; rm -f "$2.watcher"; bash "$3" "$2"; rm -rf "$2"' \
    _ "$OWNER_PID" "$BASE" "$(cd "$(dirname "$0")" && pwd)/stop.sh" </dev/null >/dev/null 2>&1 &
  echo $! > "$BASE.watcher"
fi
echo "PostgreSQL running in $BASE on 127.0.0.1:$PORT"

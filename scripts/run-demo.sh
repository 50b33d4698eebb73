#!/usr/bin/env bash
# `make run`: the relay (SQLite + a blob folder), the local mail services and the desktop app
# on a demo profile below build/demo. Closing the app stops the relay and the mail services.
# Never touches the user's real profile (ZIVVERDESK_HOME points into build/demo).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV_BIN=$ROOT/.venv/bin
DEMO=$ROOT/build/demo
mkdir -p "$DEMO"

free_port() {
  "$VENV_BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_port_open() { # PORT TIMEOUT
  local deadline=$((SECONDS + $2))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

# A mail stack left by an earlier run that did not end cleanly is stopped first.
if [ -f "$DEMO/mailstack.path" ]; then
  old=$(cat "$DEMO/mailstack.path")
  [ -f "$old/etc/stack.env" ] && bash scripts/mailstack/stop.sh "$old" >/dev/null 2>&1 || true
  rm -rf "$old" "$DEMO/mailstack.path"
fi

RELAY_PID=""
MAIL_BASE=""
cleanup() {
  if [ -n "$RELAY_PID" ]; then kill "$RELAY_PID" 2>/dev/null || true; wait "$RELAY_PID" 2>/dev/null || true; fi
  if [ -n "$MAIL_BASE" ]; then
    bash scripts/mailstack/stop.sh "$MAIL_BASE" >/dev/null 2>&1 || true
    rm -rf "$MAIL_BASE" "$DEMO/mailstack.path"
  fi
}
trap cleanup EXIT

# The mail stack lives in /tmp: its unprivileged user may not be able to enter this folder.
MAIL_BASE=$(mktemp -d /tmp/zivverdesk-demo-mail-XXXXXX)
echo "$MAIL_BASE" > "$DEMO/mailstack.path"
MAIL_USERS="secretariaat:demo adviseur:demo" PYTHON="$VENV_BIN/python" \
  bash scripts/mailstack/start.sh "$MAIL_BASE" >"$DEMO/mailstack.log" 2>&1 || {
    echo "De mailservers starten niet / the mail services did not start: see $DEMO/mailstack.log" >&2
    exit 1
  }
# shellcheck disable=SC1091
. "$MAIL_BASE/etc/stack.env"

RELAY_PORT_HTTP=$(free_port)
"$VENV_BIN/zivverdesk" relay serve --data "$DEMO/relay" --host 127.0.0.1 --port "$RELAY_PORT_HTTP" \
  --public-url "http://127.0.0.1:$RELAY_PORT_HTTP" >"$DEMO/relay.log" 2>&1 &
RELAY_PID=$!
wait_port_open "$RELAY_PORT_HTTP" 30 || {
  echo "De relay start niet / the relay did not start: see $DEMO/relay.log" >&2
  tail -n 20 "$DEMO/relay.log" >&2
  exit 1
}

export ZIVVERDESK_HOME=$DEMO/profile
"$VENV_BIN/python" - "http://127.0.0.1:$RELAY_PORT_HTTP" <<'PY'
import sys

from zivverdesk.config import Settings, profile_paths

Settings(profile_paths().ensure()).set("relay_url", sys.argv[1])
PY

cat <<INFO
zivverdesk demo
  relay         http://127.0.0.1:$RELAY_PORT_HTTP   (data: $DEMO/relay)
  IMAP          127.0.0.1:$IMAP_PORT (STARTTLS), IMAPS 127.0.0.1:$IMAPS_PORT
  SMTP          127.0.0.1:$SUBMIT_PORT (STARTTLS + AUTH)
  mailboxes     secretariaat@$MAIL_DOMAIN, adviseur@$MAIL_DOMAIN (password: demo)
  CA file       $CA_FILE
  profile       $ZIVVERDESK_HOME
INFO

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "Geen beeldscherm gevonden / no display found: the app runs offscreen (Ctrl+C stops it)."
  export QT_QPA_PLATFORM=offscreen
fi
"$VENV_BIN/zivverdesk" gui --profile "$ZIVVERDESK_HOME"

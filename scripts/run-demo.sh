#!/usr/bin/env bash
# `make run`: the local mail services, the relay (SQLite + a blob folder) and the desktop app on
# a seeded demo profile, all below build/demo (or $ZIVVERDESK_DEMO_DIR). A second run reuses
# that state. Closing the app or Ctrl-C stops everything this script started, by PID.
#
# Environment: ZIVVERDESK_DEMO_DIR (demo folder), ZIVVERDESK_DEMO_HEADLESS=1 (no app: keep the
# services running until Ctrl-C). Never touches the user's real profile: ZIVVERDESK_HOME points
# into the demo folder and secrets go to a plaintext file keyring there (demo only).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV_BIN=$ROOT/.venv/bin
VPY=$VENV_BIN/python
DEMO=${ZIVVERDESK_DEMO_DIR:-$ROOT/build/demo}
mkdir -p "$DEMO"
DEMO=$(cd "$DEMO" && pwd)
# Others may pass through (the mail services run as their own user) but not list or read.
chmod 711 "$DEMO"
PIDS=$DEMO/pids

say() { printf '%s\n' "$*"; }
fail() { printf 'zivverdesk demo: %s\n' "$*" >&2; exit 1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# The process PID is still the one we started: its command line names the demo folder.
ours() { [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$2"; }

stop_pid() { # PID: TERM, up to 10 s to finish, then KILL
  local pid=$1
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# --- one demo at a time; leftovers of a run that was killed are stopped first -------------
if [ -f "$DEMO/run-demo.pid" ]; then
  other=$(cat "$DEMO/run-demo.pid")
  if [ "$other" != $$ ] && ours "$other" run-demo.sh; then
    fail "er draait al een demo / a demo is already running (PID $other)"
  fi
fi
echo $$ >"$DEMO/run-demo.pid"
if [ -f "$PIDS" ]; then
  while read -r what pid marker; do
    if ours "$pid" "$marker"; then
      say "Stopping the $what left by an earlier demo run (PID $pid)"
      stop_pid "$pid"
    fi
  done <"$PIDS"
  rm -f "$PIDS"
fi

# --- where the mail stack lives ------------------------------------------------------------
# Postfix writes its log only below /tmp or /var (maillog_file_prefixes), and as root the mail
# services run as an unprivileged user that must be able to walk into their folder. A demo
# folder elsewhere (the repository's build/demo) keeps its mail stack in /var/tmp, under a
# name derived from the demo folder so that later runs find it again.
passable() {
  [ "$(id -u)" != 0 ] && return 0
  local dir=$1
  while [ "$dir" != / ]; do
    [[ $(stat -c %A "$dir") == *[xt] ]] || return 1
    dir=$(dirname "$dir")
  done
}
case "$DEMO/" in
  /tmp/* | /var/*) passable "$DEMO" && MAIL_BASE=$DEMO/mail ;;
esac
MAIL_BASE=${MAIL_BASE:-/var/tmp/zivverdesk-demo-$(printf '%s' "$DEMO" | sha256sum | cut -c1-16)}
echo "$MAIL_BASE" >"$DEMO/mailstack.path"
if [ -f "$MAIL_BASE/etc/stack.env" ]; then
  bash scripts/mailstack/stop.sh "$MAIL_BASE" >>"$DEMO/mailstack.log" 2>&1 || true
fi
# A new demo folder (no passwords yet) starts with empty mailboxes too.
if [ ! -f "$DEMO/mailboxes.json" ] && [ -d "$MAIL_BASE" ]; then
  rm -rf "$MAIL_BASE"
fi

# --- ports and mailbox passwords: chosen once, kept for later runs --------------------------
if [ ! -f "$DEMO/ports.env" ]; then
  "$VPY" - >"$DEMO/ports.env.tmp" <<'PY'
import socket

names = ["IMAP_PORT", "IMAPS_PORT", "LMTP_PORT", "AUTH_PORT", "SUBMIT_PORT", "RELAY_PORT",
         "HTTP_PORT"]
sockets = [socket.socket() for _ in names]  # all open at once: seven different ports
for name, sock in zip(names, sockets):
    sock.bind(("127.0.0.1", 0))
    print(f"{name}={sock.getsockname()[1]}")
PY
  mv "$DEMO/ports.env.tmp" "$DEMO/ports.env"
fi
# shellcheck disable=SC1091
. "$DEMO/ports.env"
for port in "$IMAP_PORT" "$IMAPS_PORT" "$LMTP_PORT" "$AUTH_PORT" "$SUBMIT_PORT" "$RELAY_PORT" \
  "$HTTP_PORT"; do
  # The profile and the links already sent name these ports, so they cannot simply change.
  port_open "$port" && fail "poort $port is bezet / port $port is in use by another program;
  stop it, or remove $DEMO to start a fresh demo on new ports"
done
export IMAP_PORT IMAPS_PORT LMTP_PORT AUTH_PORT SUBMIT_PORT RELAY_PORT

MAIL_USERS_ALL="secretariaat adviseur patient"
if [ ! -f "$DEMO/mailboxes.json" ]; then
  (umask 077 && "$VPY" -c '
import json, secrets, sys
print(json.dumps({u: secrets.token_urlsafe(12) for u in sys.argv[1:]}, indent=2))
' $MAIL_USERS_ALL >"$DEMO/mailboxes.json")
fi
MAIL_USERS=""
for user in $MAIL_USERS_ALL; do
  if [ ! -f "$MAIL_BASE/etc/users.d/$user" ]; then
    password=$("$VPY" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
      "$DEMO/mailboxes.json" "$user")
    MAIL_USERS="$MAIL_USERS $user:$password"
  fi
done

# --- start: mail stack, relay ---------------------------------------------------------------
RELAY_PID=""
GUI_PID=""
XVFB_PID=""
MAIL_STARTED=""
cleanup() {
  trap - EXIT INT TERM
  say "Demo stopt / demo stopping..."
  [ -n "$GUI_PID" ] && stop_pid "$GUI_PID"
  [ -n "$XVFB_PID" ] && stop_pid "$XVFB_PID"
  [ -n "$RELAY_PID" ] && stop_pid "$RELAY_PID"
  if [ -n "$MAIL_STARTED" ]; then
    bash scripts/mailstack/stop.sh "$MAIL_BASE" >>"$DEMO/mailstack.log" 2>&1 ||
      say "De mailservers stoppen niet netjes / the mail services did not stop: see $DEMO/mailstack.log"
  fi
  rm -f "$PIDS" "$DEMO/run-demo.pid"
  say "Demo gestopt / demo stopped."
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "Mailservers starten / starting the mail services..."
MAIL_STARTED=1
MAIL_USERS="$MAIL_USERS" PYTHON="$VPY" \
  bash scripts/mailstack/start.sh "$MAIL_BASE" >>"$DEMO/mailstack.log" 2>&1 ||
  fail "de mailservers starten niet / the mail services did not start: see $DEMO/mailstack.log"
# shellcheck disable=SC1091
set -a && . "$MAIL_BASE/etc/stack.env" && set +a
# From here on every file is private: the profile holds a plaintext keyring (demo only), the
# seed state the access code. (The mail stack above needs its files readable by its user.)
umask 077

RELAY_URL=http://127.0.0.1:$HTTP_PORT
cat >"$DEMO/relay.toml" <<TOML
# Written by scripts/run-demo.sh on every start (the mail stack's ports and CA file).
public_url = "$RELAY_URL"

[smtp]
host = "127.0.0.1"
port = $RELAY_PORT
tls = "starttls"
ca_file = "$CA_FILE"
from_address = "noreply@$MAIL_DOMAIN"
retry_base = 2.0

[sms]
gateway = "file"
file = "$DEMO/sms-outbox.txt"

[office]
name = "Medisch Adviesbureau Demo"
contact_email = "secretariaat@$MAIL_DOMAIN"
TOML
say "Relay starten / starting the relay on $RELAY_URL..."
# In a session of its own where `setsid` exists: Ctrl-C then reaches only this script, whose
# clean-up stops the relay by PID. Otherwise the relay and the script race to exit on the
# same SIGINT, and the script may report the relay's clean exit as a failure.
own_session=""
command -v setsid >/dev/null && own_session="setsid"
$own_session "$VENV_BIN/zivverdesk" relay serve --data "$DEMO/relay" --config "$DEMO/relay.toml" \
  --host 127.0.0.1 --port "$HTTP_PORT" >>"$DEMO/relay.log" 2>&1 &
RELAY_PID=$!
echo "relay $RELAY_PID $DEMO/relay" >>"$PIDS"
"$VPY" - "$RELAY_URL/healthz" "$RELAY_PID" <<'PY' || { tail -n 20 "$DEMO/relay.log" >&2; fail "de relay start niet / the relay did not start: see $DEMO/relay.log"; }
import os, sys, time
import httpx

deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    if not os.path.exists(f"/proc/{sys.argv[2]}"):
        sys.exit(1)
    try:
        if httpx.get(sys.argv[1], timeout=1).status_code == 200:
            sys.exit(0)
    except httpx.HTTPError:
        pass
    time.sleep(0.1)
sys.exit(1)
PY

# --- the demo profile -----------------------------------------------------------------------
export ZIVVERDESK_HOME=$DEMO/profile
export ZIVVERDESK_INSECURE_FILE_KEYRING=1 # a plaintext keyring file in the profile: demo only
export RELAY_URL
say "Demoprofiel vullen / seeding the demo profile..."
"$VPY" scripts/demo/seed.py "$DEMO" >"$DEMO/demo-info.env" 2>"$DEMO/seed.log" || {
  tail -n 20 "$DEMO/seed.log" >&2
  fail "het demoprofiel is niet gevuld / seeding the demo profile failed: see $DEMO/seed.log"
}
# shellcheck disable=SC1091
. "$DEMO/demo-info.env"

cat <<INFO

==============================================================================
 zivverdesk demo
   Relay:                 $RELAY_URL
   Ontvangerspagina / recipient page (open in a browser):
     $DEMO_LINK
   Toegangscode / access code ($DEMO_ORGANISATION): $DEMO_ACCESS_CODE
   SMS-codes (file gateway):  $DEMO/sms-outbox.txt
   Mailboxen / mailboxes:  secretariaat, adviseur, patient @$MAIL_DOMAIN
     wachtwoorden / passwords: $DEMO/mailboxes.json
     IMAP 127.0.0.1:$IMAP_PORT (STARTTLS), IMAPS :$IMAPS_PORT, SMTP :$SUBMIT_PORT; CA $CA_FILE
     mail services' folder: $MAIL_BASE
   Profiel / profile:     $ZIVVERDESK_HOME
   Logs:                  $DEMO/*.log
   Stoppen / stop:        Ctrl-C (stops only what this demo started)
==============================================================================
INFO

if [ "${ZIVVERDESK_DEMO_HEADLESS:-}" = 1 ]; then
  say "Demo klaar / demo ready (headless: no app; Ctrl-C stops the services)"
  status=0
  wait "$RELAY_PID" || status=$?
  RELAY_PID=""
  fail "de relay is gestopt / the relay stopped (exit $status): see $DEMO/relay.log"
fi

case "$(uname -s)" in MINGW* | MSYS* | CYGWIN*) windows=1 ;; *) windows="" ;; esac
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "$windows" ]; then
  command -v Xvfb >/dev/null || fail "no display and no Xvfb (apt-get install xvfb)"
  # Xvfb picks a free display number itself and writes it to the file descriptor given.
  rm -f "$DEMO/xvfb.display"
  Xvfb -displayfd 5 -screen 0 1366x800x24 -nolisten tcp 5>"$DEMO/xvfb.display" \
    >>"$DEMO/xvfb.log" 2>&1 &
  XVFB_PID=$!
  echo "xvfb $XVFB_PID -displayfd" >>"$PIDS"
  for _ in $(seq 100); do [ -s "$DEMO/xvfb.display" ] && break; sleep 0.1; done
  [ -s "$DEMO/xvfb.display" ] || fail "Xvfb did not start: see $DEMO/xvfb.log"
  export DISPLAY=:$(tr -d '[:space:]' <"$DEMO/xvfb.display")
  say "Geen beeldscherm / no display: the app runs on the virtual display $DISPLAY (Xvfb)."
  say "  Schermafdruk / screenshot: DISPLAY=$DISPLAY $VPY scripts/demo/screenshot.py shot.png"
fi

"$VENV_BIN/zivverdesk" gui --profile "$ZIVVERDESK_HOME" >>"$DEMO/gui.log" 2>&1 &
GUI_PID=$!
echo "gui $GUI_PID $ZIVVERDESK_HOME" >>"$PIDS"
say "Demo klaar / demo ready: the app is open (log: $DEMO/gui.log). Close it or press Ctrl-C to stop."
status=0
wait "$GUI_PID" || status=$?
GUI_PID=""
[ "$status" = 0 ] || fail "de app stopte met fout / the app exited with $status: see $DEMO/gui.log"

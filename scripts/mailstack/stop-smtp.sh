#!/usr/bin/env bash
# Stops the SMTP side of the stack in BASE (by its PID file) and waits until its ports are
# free, so start-smtp.sh can take them again. Dovecot keeps running.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
BASE=${1:?usage: stop-smtp.sh BASE}
load_stack_env "$BASE"

if [ "$SMTP_MODE" = postfix ]; then
  if [ -f "$BASE/postfix/spool/pid/master.pid" ]; then
    postfix -c "$BASE/postfix/etc" stop >>"$BASE/log/postfix-start.log" 2>&1 || true
  fi
elif [ -f "$BASE/run/aiosmtpd.pid" ]; then
  kill "$(cat "$BASE/run/aiosmtpd.pid")" 2>/dev/null || true
  rm -f "$BASE/run/aiosmtpd.pid"
fi
status=0
for port in "$SUBMIT_PORT" "$RELAY_PORT"; do
  wait_port_closed "$port" 20 || { echo "SMTP still listens on port $port" >&2; status=1; }
done
exit $status

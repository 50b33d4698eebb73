#!/usr/bin/env bash
# Starts (or restarts after stop-smtp.sh) the SMTP side of the stack in BASE on its ports:
# Postfix as its own instance, or the aiosmtpd front end when not root.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
BASE=${1:?usage: start-smtp.sh BASE}
load_stack_env "$BASE"

if [ "$SMTP_MODE" = postfix ]; then
  PF=$BASE/postfix
  mkdir -p "$PF/etc" "$PF/spool" "$PF/data"
  chown postfix "$PF/data"
  export BASE PF MAIL_DOMAIN LMTP_PORT AUTH_PORT SUBMIT_PORT RELAY_PORT
  envsubst '${BASE} ${PF} ${MAIL_DOMAIN} ${LMTP_PORT} ${AUTH_PORT}' \
    < "$HERE/postfix-main.cf.in" > "$PF/etc/main.cf"
  envsubst '${SUBMIT_PORT} ${RELAY_PORT}' < "$HERE/postfix-master.cf.in" > "$PF/etc/master.cf"
  # Postfix reports its own fatal start errors only to syslog, which may be absent:
  # on failure run `postfix check` to print the reason.
  if ! postfix -c "$PF/etc" start >>"$BASE/log/postfix-start.log" 2>&1; then
    postfix -c "$PF/etc" check >&2 || true
    tail -n 20 "$BASE/log/postfix-start.log" "$BASE/log/postfix.log" >&2 2>/dev/null || true
    exit 1
  fi
elif [ "$SMTP_MODE" = aiosmtpd ]; then
  env LMTP_PORT="$LMTP_PORT" SUBMIT_PORT="$SUBMIT_PORT" RELAY_PORT="$RELAY_PORT" \
    MAIL_DOMAIN="$MAIL_DOMAIN" TLS_CERT="$BASE/tls/cert.pem" TLS_KEY="$BASE/tls/key.pem" \
    USERS_DIR="$BASE/etc/users.d" PIDFILE="$BASE/run/aiosmtpd.pid" \
    "$PYTHON" "$HERE/smtp_to_lmtp.py" >>"$BASE/log/aiosmtpd.log" 2>&1 &
else
  echo "unknown SMTP_MODE=$SMTP_MODE (postfix or aiosmtpd)" >&2
  exit 2
fi

for port in "$SUBMIT_PORT" "$RELAY_PORT"; do
  wait_port_open "$port" 20 || {
    echo "SMTP ($SMTP_MODE) did not open port $port" >&2
    tail -n 20 "$BASE"/log/postfix*.log "$BASE"/log/aiosmtpd.log >&2 2>/dev/null || true
    exit 1
  }
done

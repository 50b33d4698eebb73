#!/usr/bin/env bash
# Starts a throw-away mail stack below BASE: Dovecot (IMAP+STARTTLS, IMAPS, LMTP, IDLE) and
# an SMTP server that delivers into its mailboxes. Loopback only.
#
#   start.sh BASE          ports and settings end up in BASE/etc/stack.env
#
# Environment (all optional): IMAP_PORT IMAPS_PORT LMTP_PORT AUTH_PORT SUBMIT_PORT RELAY_PORT
# (free ports are picked when unset), MAIL_DOMAIN (example.test), SMTP_MODE (postfix when
# root, else aiosmtpd), RUN_USER (zivmail when root), PYTHON (for the aiosmtpd front end),
# MAIL_USERS ("alice:pw bob:pw", created up front), OWNER_PID (stop and remove the stack when
# that process ends, e.g. a killed test run).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"

BASE=${1:?usage: start.sh BASE}
mkdir -p "$BASE"
BASE=$(cd "$BASE" && pwd)
MAIL_DOMAIN=${MAIL_DOMAIN:-example.test}
PYTHON=${PYTHON:-python3}
IMAP_PORT=${IMAP_PORT:-$(free_port)}
IMAPS_PORT=${IMAPS_PORT:-$(free_port)}
LMTP_PORT=${LMTP_PORT:-$(free_port)}
AUTH_PORT=${AUTH_PORT:-$(free_port)}
SUBMIT_PORT=${SUBMIT_PORT:-$(free_port)}
RELAY_PORT=${RELAY_PORT:-$(free_port)}

if [ "$(id -u)" = 0 ]; then
  RUN_USER=${RUN_USER:-zivmail}
  SMTP_MODE=${SMTP_MODE:-postfix}
  if ! id "$RUN_USER" >/dev/null 2>&1; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$RUN_USER" 2>/dev/null || id "$RUN_USER" >/dev/null
  fi
else
  RUN_USER=$(id -un)
  SMTP_MODE=${SMTP_MODE:-aiosmtpd}
  if [ "$SMTP_MODE" = postfix ]; then
    echo "Postfix needs root; use SMTP_MODE=aiosmtpd" >&2
    exit 2
  fi
fi
RUN_GROUP=$(id -gn "$RUN_USER")

for tool in dovecot openssl envsubst; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || {
    echo "missing program: $tool (apt-get install dovecot-imapd dovecot-lmtpd openssl gettext-base)" >&2
    exit 3
  }
done
if [ "$SMTP_MODE" = postfix ] && ! [ -x /usr/sbin/postfix ]; then
  echo "missing program: postfix (apt-get install postfix)" >&2
  exit 3
fi

# The unprivileged user must be able to walk into BASE.
mkdir -p "$BASE"/{etc,run,state,log,mail,tls}
chmod 755 "$BASE" "$BASE/etc"

cat > "$BASE/etc/stack.env" <<ENV
BASE=$BASE
MAIL_DOMAIN=$MAIL_DOMAIN
IMAP_PORT=$IMAP_PORT
IMAPS_PORT=$IMAPS_PORT
LMTP_PORT=$LMTP_PORT
AUTH_PORT=$AUTH_PORT
SUBMIT_PORT=$SUBMIT_PORT
RELAY_PORT=$RELAY_PORT
SMTP_MODE=$SMTP_MODE
RUN_USER=$RUN_USER
RUN_GROUP=$RUN_GROUP
PYTHON=$PYTHON
CA_FILE=$BASE/tls/cert.pem
ENV

# Self-signed certificate for localhost and 127.0.0.1; clients trust it as their CA file.
if [ ! -s "$BASE/tls/cert.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$BASE/tls/key.pem" -out "$BASE/tls/cert.pem" >"$BASE/log/openssl.log" 2>&1
fi

mkdir -p "$BASE/etc/users.d"
chmod 755 "$BASE/etc/users.d"
for entry in ${MAIL_USERS:-}; do
  "$HERE/add-user.sh" "$BASE" "${entry%%:*}" "${entry#*:}"
done

export BASE MAIL_DOMAIN IMAP_PORT IMAPS_PORT LMTP_PORT AUTH_PORT RUN_USER RUN_GROUP
envsubst '${BASE} ${MAIL_DOMAIN} ${IMAP_PORT} ${IMAPS_PORT} ${LMTP_PORT} ${AUTH_PORT} ${RUN_USER} ${RUN_GROUP}' \
  < "$HERE/dovecot.conf.in" > "$BASE/etc/dovecot.conf"
chown -R "$RUN_USER:$RUN_GROUP" "$BASE"/{run,state,log,mail,tls}
chmod 600 "$BASE/tls/key.pem"
chmod 644 "$BASE/tls/cert.pem"

as_run_user /usr/sbin/dovecot -c "$BASE/etc/dovecot.conf"
for port in "$IMAP_PORT" "$IMAPS_PORT" "$LMTP_PORT" "$AUTH_PORT"; do
  wait_port_open "$port" 15 || {
    echo "Dovecot did not open port $port; see $BASE/log/dovecot.log" >&2
    tail -n 20 "$BASE/log/dovecot.log" >&2 || true
    exit 1
  }
done

"$HERE/start-smtp.sh" "$BASE"
start_owner_watch "$BASE" "$HERE/stop.sh" "$BASE/etc/watcher.pid"
echo "mail stack running in $BASE (IMAP $IMAP_PORT, IMAPS $IMAPS_PORT, submission $SUBMIT_PORT, relay $RELAY_PORT, SMTP by $SMTP_MODE)"

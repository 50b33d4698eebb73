#!/usr/bin/env bash
# Starts a throw-away mail stack whose logins are OAuth2 bearer tokens, on loopback only:
# the local issuer (local_issuer.py), Dovecot with its `oauth2` passdb (XOAUTH2 and
# OAUTHBEARER for IMAP and for Postfix's SASL), and Postfix submission delivering by LMTP.
# It is its own instance, separate from the password mail stack of the other tests.
#
#   start_oauth_stack.sh BASE_DIR [introspect|local]
#   stop_oauth_stack.sh  BASE_DIR
#
# Validation modes: "introspect" has Dovecot ask the issuer (RFC 7662) for every login, so
# revocation and an issuer outage are visible; "local" checks the JWT signature itself.
# Ports come from the environment (the test fixture picks free ones): IMAP_PORT IMAPS_PORT
# LMTP_PORT SMTP_PORT SUBMIT_PORT AUTH_PORT ISSUER_HTTP_PORT ISSUER_HTTPS_PORT.
# MAIL_USERS="alice bob" (domain example.test), ISSUER_PYTHON (stdlib-only script).
# Run it with its output sent to a file: the daemons inherit stdout and would hold a pipe.
set -euo pipefail

BASE=${1:?usage: start_oauth_stack.sh BASE_DIR [introspect|local]}
MODE=${2:-introspect}
: "${IMAP_PORT:?} ${IMAPS_PORT:?} ${LMTP_PORT:?} ${SMTP_PORT:?} ${SUBMIT_PORT:?}"
: "${AUTH_PORT:?} ${ISSUER_HTTP_PORT:?} ${ISSUER_HTTPS_PORT:?}"
MAIL_USERS=${MAIL_USERS:-"alice bob carol"}
ISSUER_PYTHON=${ISSUER_PYTHON:-python3}
CLIENT_IDS=${CLIENT_IDS:-11111111-2222-3333-4444-555555555555}
INTROSPECTION_CLIENT=${INTROSPECTION_CLIENT:-"dovecot:introspection-$(openssl rand -hex 8)"}
HERE=$(cd "$(dirname "$0")" && pwd)

case "$MODE" in introspect|local) ;; *) echo "unknown mode $MODE" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "the OAuth stack runs Postfix and needs root" >&2; exit 2; }

# Dovecot refuses to run its login processes as root: a system user of its own.
RUNUSER=${MAILSTACK_USER:-mailstack}
id "$RUNUSER" >/dev/null 2>&1 || useradd --system --user-group --no-create-home \
  --home-dir /nonexistent --shell /usr/sbin/nologin "$RUNUSER" 2>/dev/null || id "$RUNUSER" >/dev/null
RUNUID=$(id -u "$RUNUSER"); RUNGID=$(id -g "$RUNUSER"); RUNGROUP=$(id -gn "$RUNUSER")

mkdir -p "$BASE"/{etc,run,state,log,mail,tls,keys,postfix/etc,postfix/spool,postfix/data}
chmod 755 "$BASE" "$BASE/etc" "$BASE/tls"

wait_port() { # port timeout_seconds
  "$ISSUER_PYTHON" - "$1" "$2" <<'PY'
import socket, sys, time
port, deadline = int(sys.argv[1]), time.monotonic() + float(sys.argv[2])
while time.monotonic() < deadline:
    try:
        socket.create_connection(("127.0.0.1", port), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.02)
sys.exit(1)
PY
}

# One self-signed certificate for localhost/127.0.0.1 serves the issuer, IMAP and SMTP.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$BASE/tls/key.pem" -out "$BASE/tls/cert.pem" >/dev/null 2>&1
cp "$BASE/tls/key.pem" "$BASE/tls/dovecot-key.pem"
chown "$RUNUSER" "$BASE/tls/dovecot-key.pem"
chmod 600 "$BASE/tls/key.pem" "$BASE/tls/dovecot-key.pem"
chmod 644 "$BASE/tls/cert.pem"

users_csv=""
: > "$BASE/etc/users"
for user in $MAIL_USERS; do
  users_csv="$users_csv$user@example.test,"
  # no usable password: these mailboxes sign in with tokens only
  echo "$user:{PLAIN}$(openssl rand -hex 16):$RUNUID:$RUNGID::$BASE/mail/$user" >> "$BASE/etc/users"
done

"$ISSUER_PYTHON" "$HERE/local_issuer.py" \
  --http-port "$ISSUER_HTTP_PORT" --https-port "$ISSUER_HTTPS_PORT" \
  --cert "$BASE/tls/cert.pem" --key "$BASE/tls/key.pem" --keys-dir "$BASE/keys" \
  --users "$users_csv" --client-ids "$CLIENT_IDS" \
  --introspection-client "$INTROSPECTION_CLIENT" \
  --pidfile "$BASE/run/issuer.pid" >>"$BASE/log/issuer.log" 2>&1 &
wait_port "$ISSUER_HTTPS_PORT" 10 || { echo "the issuer did not start" >&2; cat "$BASE/log/issuer.log" >&2; exit 1; }

{
  echo "# Dovecot oauth2 passdb, mode $MODE"
  if [ "$MODE" = introspect ]; then
    echo "introspection_mode = post"
    echo "introspection_url = https://$INTROSPECTION_CLIENT@127.0.0.1:$ISSUER_HTTPS_PORT/introspect"
    echo "tls_ca_cert_file = $BASE/tls/cert.pem"
    echo "active_attribute = active"
    echo "active_value = true"
  else
    echo "introspection_mode = local"
    echo "local_validation_key_dict = fs:posix:prefix=$BASE/keys/"
    echo "issuers = https://sts.issuer.test/00000000-0000-0000-0000-00000000c0de/"
  fi
  # the login name (XOAUTH2 user=, OAUTHBEARER a=) must name the token's own mailbox
  echo "username_attribute = email"
  echo "username_format = %Ln"
  # Dovecot 2.3 checks one scope only; the issuer's introspection answers "inactive" for a
  # token without a mail scope instead, so Microsoft- and Google-shaped tokens both work.
  echo "timeout_msecs = 5000"
} > "$BASE/etc/dovecot-oauth2.conf.ext"

cat > "$BASE/etc/dovecot.conf" <<EOF
instance_name = oauthstack-$IMAP_PORT
base_dir = $BASE/run
state_dir = $BASE/state
log_path = $BASE/log/dovecot.log
auth_verbose = yes
protocols = imap lmtp
listen = 127.0.0.1
hostname = localhost
default_internal_user = $RUNUSER
default_internal_group = $RUNGROUP
default_login_user = $RUNUSER
first_valid_uid = 1
first_valid_gid = 1
disable_plaintext_auth = yes
auth_mechanisms = xoauth2 oauthbearer
auth_username_format = %Ln
ssl = yes
ssl_cert = <$BASE/tls/cert.pem
ssl_key = <$BASE/tls/dovecot-key.pem
ssl_dh = </usr/share/dovecot/dh.pem
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
}
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $BASE/etc/dovecot-oauth2.conf.ext
}
userdb {
  driver = passwd-file
  args = username_format=%Ln $BASE/etc/users
}
# Tests only: no delay after a failed login and no growing per-IP penalty, or every
# negative test waits seconds.
auth_failure_delay = 0
service anvil {
  chroot =
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service ipc {
  chroot =
}
service old-stats {
  chroot =
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $IMAPS_PORT
    ssl = yes
  }
}
service auth {
  inet_listener auth-postfix {
    address = 127.0.0.1
    port = $AUTH_PORT
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $LMTP_PORT
  }
}
protocol lmtp {
  postmaster_address = postmaster@example.test
}
EOF
chown -R "$RUNUSER:$RUNGROUP" "$BASE"/{run,state,log,mail}
chmod 644 "$BASE"/etc/*
/usr/sbin/runuser -u "$RUNUSER" -- /usr/sbin/dovecot -c "$BASE/etc/dovecot.conf"
wait_port "$IMAP_PORT" 10 || { echo "Dovecot did not start" >&2; tail -20 "$BASE/log/dovecot.log" >&2; exit 1; }
wait_port "$LMTP_PORT" 10
wait_port "$AUTH_PORT" 10

PF=$BASE/postfix
chown postfix "$PF/data"
cat > "$PF/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $PF/spool
data_directory = $PF/data
mail_owner = postfix
setgid_group = postdrop
maillog_file_prefixes = /var, /dev/stdout, /tmp, $BASE
maillog_file = $BASE/log/postfix.log
myhostname = localhost
mydomain = localhost
myorigin = example.test
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
relayhost =
virtual_mailbox_domains = example.test
virtual_transport = lmtp:inet:127.0.0.1:$LMTP_PORT
# nothing ever leaves this machine
default_transport = error:outbound delivery is disabled in the test stack
relay_transport = error:outbound delivery is disabled in the test stack
smtpd_tls_cert_file = $BASE/tls/cert.pem
smtpd_tls_key_file = $BASE/tls/key.pem
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:127.0.0.1:$AUTH_PORT
smtpd_sasl_auth_enable = no
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_banner = \$myhostname ESMTP oauth-test
biff = no
smtputf8_enable = yes
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 5s
EOF
cat > "$PF/etc/master.cf" <<EOF
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
127.0.0.1:$SUBMIT_PORT inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
pickup    unix  n - n 60   1 pickup
cleanup   unix  n - n -    0 cleanup
qmgr      unix  n - n 300  1 qmgr
tlsmgr    unix  - - n 1000? 1 tlsmgr
rewrite   unix  - - n -    - trivial-rewrite
bounce    unix  - - n -    0 bounce
defer     unix  - - n -    0 bounce
trace     unix  - - n -    0 bounce
verify    unix  - - n -    1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -    - proxymap
smtp      unix  - - n -    - smtp
relay     unix  - - n -    - smtp
showq     unix  n - n -    - showq
error     unix  - - n -    - error
retry     unix  - - n -    - error
discard   unix  - - n -    - discard
lmtp      unix  - - n -    - lmtp
anvil     unix  - - n -    1 anvil
scache    unix  - - n -    1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF
postfix -c "$PF/etc" start >>"$BASE/log/postfix-start.log" 2>&1 || {
  echo "Postfix did not start" >&2; cat "$BASE/log/postfix-start.log" >&2; exit 1; }
wait_port "$SUBMIT_PORT" 15 || { echo "Postfix submission did not open" >&2; tail -20 "$BASE/log/postfix.log" >&2; exit 1; }
wait_port "$SMTP_PORT" 15

echo "oauth stack ready in $BASE (mode $MODE): imap $IMAP_PORT submission $SUBMIT_PORT issuer https $ISSUER_HTTPS_PORT"

#!/usr/bin/env bash
# Adds a mailbox user to the stack in BASE. Dovecot re-reads the users file on its next
# login or delivery, so no reload is needed.
#   add-user.sh BASE NAME PASSWORD      (NAME is the local part; the address is NAME@domain)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
BASE=${1:?usage: add-user.sh BASE NAME PASSWORD}
NAME=${2:?missing NAME}
PASSWORD=${3:?missing PASSWORD}
load_stack_env "$BASE"
case "$NAME$PASSWORD" in
  *:* | *[[:space:]]*) echo "name and password may not contain ':' or spaces" >&2; exit 2 ;;
esac
if grep -q "^${NAME}:" "$BASE/etc/users"; then
  echo "user $NAME exists already" >&2
  exit 1
fi
uid=$(id -u "$RUN_USER")
gid=$(id -g "$RUN_USER")
# Append in one write so a concurrent reader never sees half a line.
printf '%s:{PLAIN}%s:%s:%s::%s\n' "$NAME" "$PASSWORD" "$uid" "$gid" "$BASE/mail/$NAME" \
  >> "$BASE/etc/users"

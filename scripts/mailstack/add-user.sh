#!/usr/bin/env bash
# Adds a mailbox user to the stack in BASE; it can log in and receive mail at once.
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
uid=$(id -u "$RUN_USER")
gid=$(id -g "$RUN_USER")
# One file per user: Dovecot looks a passwd-file up again at most once per second, so a user
# appended to a shared file could be unknown for up to a second; a new file is read at once.
file=$BASE/etc/users.d/$NAME
if ! (set -C && printf '%s:{PLAIN}%s:%s:%s::%s\n' "$NAME" "$PASSWORD" "$uid" "$gid" \
  "$BASE/mail/$NAME" > "$file") 2>/dev/null; then
  echo "user $NAME exists already" >&2
  exit 1
fi
chmod 644 "$file"

#!/usr/bin/env bash
# Prints the path of the newest CPython >= 3.12 it finds: on the PATH, else under pyenv.
# Prints nothing (and exits 1) when there is none.
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }
best=""; best_ver=""
consider() {
  local cand=$1 ver
  ok "$cand" || return 0
  ver=$("$cand" -c 'import sys; print("%d.%03d.%03d" % sys.version_info[:3])' 2>/dev/null) || return 0
  if [[ -z "$best_ver" || "$ver" > "$best_ver" ]]; then best=$cand; best_ver=$ver; fi
}
for name in python3.14 python3.13 python3.12 python3; do
  path=$(command -v "$name" 2>/dev/null) && consider "$path"
done
if [ -z "$best" ] && command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root)
  for cand in "$root"/versions/*/bin/python3.1[2-9]; do
    [ -x "$cand" ] && consider "$cand"
  done
fi
[ -n "$best" ] || exit 1
echo "$best"

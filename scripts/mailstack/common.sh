# Shared helpers of the mail stack scripts (sourced, not run).

# Waits until something accepts TCP connections on 127.0.0.1:PORT, up to TIMEOUT seconds.
wait_port_open() { # PORT TIMEOUT
  local deadline=$((SECONDS + $2))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

# Waits until nothing listens on 127.0.0.1:PORT any more (a stopped server let go of it).
wait_port_closed() { # PORT TIMEOUT
  local deadline=$((SECONDS + $2))
  while (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

# A TCP port on loopback that is free right now.
free_port() {
  "${PYTHON:-python3}" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Runs a command as the stack's unprivileged user (a no-op wrapper when not root).
as_run_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$RUN_USER" -- "$@"; else "$@"; fi
}

load_stack_env() { # BASE
  [ -f "$1/etc/stack.env" ] || { echo "no mail stack in $1 (missing etc/stack.env)" >&2; exit 2; }
  # shellcheck disable=SC1091
  . "$1/etc/stack.env"
}

# Throw-away stacks of a test run must not outlive it, even when the run is killed before
# its teardown: a watcher waits for OWNER_PID to end, then stops the stack and removes BASE.
start_owner_watch() { # BASE STOP_SCRIPT PIDFILE
  [ -n "${OWNER_PID:-}" ] || return 0
  setsid bash -c 'tail --pid="$1" -f /dev/null; rm -f "$4"; bash "$3" "$2"; rm -rf "$2"' \
    _ "$OWNER_PID" "$1" "$2" "$3" </dev/null >/dev/null 2>&1 &
  echo $! > "$3"
}

# Ends the watcher (its whole process group) when the stack is stopped the normal way.
stop_owner_watch() { # PIDFILE
  [ -f "$1" ] || return 0
  kill -- "-$(cat "$1")" 2>/dev/null || true
  rm -f "$1"
}

"""Watching a folder with IMAP IDLE, reconnecting with backoff when the connection breaks.

    watcher = IdleWatcher(lambda: connect(settings, auth), "INBOX", on_change, stop=event)
    watcher.run()        # blocks until `stop` is set; call it in a worker thread

`on_change(client)` runs once right after every (re)connect — which catches up on whatever
arrived while the connection was down — and again each time the server reports EXISTS,
EXPUNGE or FETCH during IDLE. It is normally `lambda c: sync_folder(c, "INBOX", sink)`, which
is idempotent, so nothing is missed and nothing is doubled across reconnects.

A broken socket (server restart, Wi-Fi change, a NAT dropping the idle connection) shows up
either as `ConnectionLost` (the session's commands run inside `server_errors`) or as
`idle_check` returning nothing long before its time-out (EOF); both, like a server that
cannot be reached or refuses a command, lead to a reconnect after a backoff of 1 s doubling
to 60 s. IDLE is re-issued every `refresh` seconds (RFC 2177: servers may drop clients idle
for 30 minutes). Authentication failures are not retried: they need the user
(`ReauthRequired`, `AuthenticationFailed`); they, and anything unexpected (a bug), end `run`
with the exception, which the caller must report (`services.sync.watch` does). A server
without IDLE ends `run` quietly (`unsupported`): the caller's regular passes poll instead.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from imapclient import IMAPClient

from zivverdesk.mail.auth import TemporarilyUnavailable
from zivverdesk.mail.errors import ConnectionLost, ImapError, ServerUnreachable
from zivverdesk.mail.imap_connect import disconnect, server_errors, server_label

log = logging.getLogger(__name__)

_CHANGE_KINDS = {b"EXISTS", b"EXPUNGE", b"FETCH", b"RECENT", b"VANISHED"}


class IdleWatcher:
    def __init__(
        self,
        open_client: Callable[[], IMAPClient],
        folder: str,
        on_change: Callable[[IMAPClient], object],
        *,
        stop: threading.Event,
        refresh: float = 25 * 60,
        check_interval: float = 1.0,
        first_delay: float = 1.0,
        max_delay: float = 60.0,
    ) -> None:
        self._open = open_client
        self.folder = folder
        self._on_change = on_change
        self._stop = stop
        self._refresh = refresh
        self._check = check_interval
        self._first_delay = first_delay
        self._max_delay = max_delay
        self.connections = 0  # how many sessions were opened (1 + reconnects)
        self.client: IMAPClient | None = None  # the live session, for diagnostics and tests
        self.idling = threading.Event()  # set while the server is in IDLE for us
        self.unsupported = False  # the server has no IDLE: `run` returned at once
        #: Why the last session ended or could not start (None while one runs fine).
        self.last_error: Exception | None = None

    def run(self) -> None:
        delay = self._first_delay
        while not self._stop.is_set():
            try:
                self._session()
                if self.unsupported:
                    return
            except (ServerUnreachable, ImapError, TemporarilyUnavailable) as error:
                # Passing failures (ConnectionLost is a ServerUnreachable): try again later.
                if self.last_error is None:
                    # The session had worked: this is a new outage, not the same one going on.
                    delay = self._first_delay
                self.last_error = error
                log.info(
                    "IDLE on %s interrupted (%s); reconnecting in %.1f s", self.folder, error, delay
                )
            finally:
                self.idling.clear()
                if self.client is not None:
                    disconnect(self.client)
                    self.client = None
            if self._stop.wait(delay):
                return
            delay = min(delay * 2, self._max_delay)

    def _session(self) -> None:
        client = self._open()
        self.client = client
        self.connections += 1
        with server_errors(client):
            if not client.has_capability("IDLE"):
                log.info("%s offers no IDLE; new mail comes with the regular sync", self.folder)
                self.unsupported = True
                return
            client.select_folder(self.folder)
            self._on_change(client)
            self.last_error = None
            while not self._stop.is_set():
                client.idle()
                self.idling.set()
                changed = self._wait_in_idle(client)
                self.idling.clear()
                client.idle_done()
                if changed:
                    self._on_change(client)
                else:
                    client.noop()  # proves the connection is alive before idling again

    def _wait_in_idle(self, client: IMAPClient) -> bool:
        """True when the server reported a change; False at refresh time or on stop."""
        started = time.monotonic()
        while not self._stop.is_set():
            remaining = self._refresh - (time.monotonic() - started)
            if remaining <= 0:
                return False
            timeout = min(self._check, remaining)
            asked = time.monotonic()
            responses = client.idle_check(timeout=timeout)
            if any(len(r) > 1 and r[1] in _CHANGE_KINDS for r in responses):
                return True
            if not responses and time.monotonic() - asked < timeout / 2:
                # Readable socket but no line: the peer closed it (imapclient hides the EOF).
                raise ConnectionLost(
                    server_label(client), "verbinding gesloten / connection closed"
                )
        return False

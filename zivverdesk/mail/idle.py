"""Watching a folder with IMAP IDLE, reconnecting with backoff when the connection breaks.

    watcher = IdleWatcher(lambda: connect(settings, auth), "INBOX", on_change, stop=event)
    watcher.run()        # blocks until `stop` is set; call it in a worker thread

`on_change(client)` runs once right after every (re)connect — which catches up on whatever
arrived while the connection was down — and again each time the server reports EXISTS,
EXPUNGE or FETCH during IDLE. It is normally `lambda c: sync_folder(c, "INBOX", sink)`, which
is idempotent, so nothing is missed and nothing is doubled across reconnects.

A broken socket (server restart, Wi-Fi change, a NAT dropping the idle connection) shows up
either as an exception or as `idle_check` returning nothing long before its time-out (EOF);
both lead to a reconnect after a backoff of 1 s doubling to 60 s. IDLE is re-issued every
`refresh` seconds (RFC 2177: servers may drop clients idle for 30 minutes). Authentication
failures are not retried: they need the user (`ReauthRequired`, `AuthenticationFailed`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from zivverdesk.mail.auth import TemporarilyUnavailable
from zivverdesk.mail.errors import ServerUnreachable
from zivverdesk.mail.imap_connect import CONNECTION_ERRORS, disconnect

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

    def run(self) -> None:
        delay = self._first_delay
        while not self._stop.is_set():
            try:
                self._session()
                delay = self._first_delay
            except (*CONNECTION_ERRORS, IMAPClientError, ServerUnreachable) as error:
                log.info("IDLE on %s interrupted (%s); reconnecting", self.folder, error)
            except TemporarilyUnavailable as error:
                log.info("IDLE sign-in temporarily unavailable: %s", error)
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
        client.select_folder(self.folder)
        self._on_change(client)
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
                raise ServerUnreachable(self.folder, "verbinding verbroken / connection lost")
        return False

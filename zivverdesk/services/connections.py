"""Network clients opened on first use and closed together (one per outbox run or sync)."""

from __future__ import annotations

import threading

from zivverdesk.relayclient.client import RelayClient
from zivverdesk.services.profile import Profile


class Connections:
    def __init__(self, profile: Profile) -> None:
        self._profile = profile
        self._relay: RelayClient | None = None
        self._lock = threading.Lock()  # `interrupt` comes from another thread
        self._interrupted = False

    @property
    def relay(self) -> RelayClient:
        with self._lock:
            if self._relay is None:
                self._relay = self._profile.relay_client()
                if self._interrupted:
                    self._relay.interrupt()
            return self._relay

    def interrupt(self) -> None:
        """End the relay calls running now and refuse later ones; safe from any thread."""
        with self._lock:
            self._interrupted = True
            relay = self._relay
        if relay is not None:
            relay.interrupt()

    def close(self) -> None:
        if self._relay is not None:
            self._relay.close()
            self._relay = None

    def __enter__(self) -> Connections:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""Network clients opened on first use and closed together (one per outbox run or sync)."""

from __future__ import annotations

from zivverdesk.relayclient.client import RelayClient
from zivverdesk.services.profile import Profile


class Connections:
    def __init__(self, profile: Profile) -> None:
        self._profile = profile
        self._relay: RelayClient | None = None

    @property
    def relay(self) -> RelayClient:
        if self._relay is None:
            self._relay = self._profile.relay_client()
        return self._relay

    def close(self) -> None:
        if self._relay is not None:
            self._relay.close()
            self._relay = None

    def __enter__(self) -> Connections:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""Failures of the use cases, each with a message the secretariat can act on (Dutch first)."""

from __future__ import annotations

from dataclasses import dataclass

from zivverdesk.core.errors import ZivverdeskError


@dataclass(frozen=True)
class MissingMethod:
    address: str
    what: str  # what is missing, in words (Dutch / English)


class RecipientsIncomplete(ZivverdeskError):
    """At least one recipient has no way to verify; nothing has been sent or queued."""

    code = "recipient_without_method"

    def __init__(self, missing: list[MissingMethod]) -> None:
        lines = "; ".join(f"{m.address}: {m.what}" for m in missing)
        super().__init__(f"Niet verzonden / not sent — {lines}")
        self.missing = missing


class NotEnrolled(ZivverdeskError):
    code = "not_enrolled"

    def __init__(self) -> None:
        super().__init__(
            "Deze werkplek is nog niet aangemeld bij de relay: zivverdesk enroll --relay URL "
            "--code CODE. / This workstation is not enrolled with a relay yet."
        )


class SecretMissing(ZivverdeskError):
    code = "secret_missing"


class NotSecure(ZivverdeskError):
    code = "not_secure"

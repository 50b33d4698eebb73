"""The shared vocabulary of secure messages: verification methods, feed events, and the
delivery states that the envelope in the desktop and on the recipient page shows (S10).

These names are part of the relay API and of the desktop store; changing one is a format
change (docs/PROTOCOL.md).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from enum import StrEnum

_ID_RE = re.compile(r"^[0-9a-f]{32}$")


def new_id() -> str:
    """A fresh identifier for a message, recipient, reply, blob or conversation:
    128 random bits as 32 lowercase hex characters (safe in URLs and file names)."""
    return secrets.token_hex(16)


def is_valid_id(value: str) -> bool:
    return bool(_ID_RE.match(value))


class VerificationMethod(StrEnum):
    """How a recipient proves who they are before the relay releases the wrapped key (S2)."""

    ACCESS_CODE = "access_code"  # a code agreed per organisation; never leaves the browser
    SMS = "sms"  # a 6-digit code the relay sends by SMS
    EMAIL = "email"  # a 6-digit code the relay sends by e-mail


class EventKind(StrEnum):
    """What the relay's change feed reports to the sender (and the team)."""

    NOTIFICATION_ACCEPTED = "notification_accepted"
    NOTIFICATION_REFUSED = "notification_refused"
    LINK_FETCHED = "link_fetched"
    VERIFIED = "verified"
    OPENED = "opened"
    DOWNLOADED = "downloaded"
    REPLIED = "replied"
    VERIFICATION_FAILED = "verification_failed"
    LOCKED = "locked"
    REVOKED = "revoked"
    EXPIRED = "expired"
    MESSAGE_RECEIVED = "message_received"
    REVIEW_CHANGED = "review_changed"
    MAIL_FAILED = "mail_failed"


class RecipientState(StrEnum):
    """Where one recipient of one message stands, from the sender's point of view."""

    PENDING = "pending"  # notification not yet handed to the SMTP server
    NOT_DELIVERED = "not_delivered"  # the SMTP server refused the notification
    DELIVERED = "delivered"  # the notification was accepted; not opened yet
    OPENED = "opened"  # the recipient verified and the key was released
    REVOKED = "revoked"
    EXPIRED = "expired"


class EnvelopeState(StrEnum):
    """The envelope icon of a conversation (S10)."""

    NOT_DELIVERED = "not_delivered"
    CLOSED = "closed"
    PARTLY_OPEN = "partly_open"
    OPEN = "open"


# An event moves a recipient forward, never back: a late "accepted" after "opened" changes
# nothing. Events can arrive twice and out of order (feed and IMAP both report them).
_RANK = {
    RecipientState.PENDING: 0,
    RecipientState.NOT_DELIVERED: 1,
    RecipientState.DELIVERED: 2,
    RecipientState.OPENED: 3,
    RecipientState.EXPIRED: 4,
    RecipientState.REVOKED: 5,
}

_EVENT_TARGET = {
    EventKind.NOTIFICATION_REFUSED: RecipientState.NOT_DELIVERED,
    EventKind.NOTIFICATION_ACCEPTED: RecipientState.DELIVERED,
    EventKind.OPENED: RecipientState.OPENED,
    EventKind.DOWNLOADED: RecipientState.OPENED,
    EventKind.REPLIED: RecipientState.OPENED,
    EventKind.EXPIRED: RecipientState.EXPIRED,
    EventKind.REVOKED: RecipientState.REVOKED,
}


def apply_event(state: RecipientState, event: EventKind) -> RecipientState:
    """The recipient state after `event`; idempotent and order-tolerant."""
    target = _EVENT_TARGET.get(event)
    if target is None:
        return state
    if state is RecipientState.NOT_DELIVERED and target is RecipientState.DELIVERED:
        return target  # a resend that was accepted after an earlier refusal
    return target if _RANK[target] > _RANK[state] else state


def envelope_state(states: Iterable[RecipientState]) -> EnvelopeState:
    """The conversation's envelope from its recipients' states.

    Any refused notification shows `not_delivered` first, since it needs the sender's action.
    """
    states = list(states)
    if any(s is RecipientState.NOT_DELIVERED for s in states):
        return EnvelopeState.NOT_DELIVERED
    opened = sum(1 for s in states if s is RecipientState.OPENED)
    if states and opened == len(states):
        return EnvelopeState.OPEN
    if opened:
        return EnvelopeState.PARTLY_OPEN
    return EnvelopeState.CLOSED

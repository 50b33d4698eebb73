"""Store content for the listing tests and the listing benchmark."""

from __future__ import annotations

import os
from typing import Literal

from zivverdesk.core.model import VerificationMethod, new_id
from zivverdesk.core.secret import Secret
from zivverdesk.store import Store
from zivverdesk.store.accounts import Account


def offline_account(store: Store, email: str = "secretariaat@office.test") -> Account:
    """A mail account whose servers are never contacted: for tests that store synced mail
    directly."""
    return store.accounts.add(
        email=email,
        auth_kind="password",
        username=email,
        imap_host="h",
        imap_port=1,
        imap_security="none",
        smtp_host="h",
        smtp_port=1,
        smtp_security="none",
    )


def secure_reply(
    store: Store,
    conversation_id: str,
    date: str,
    *,
    in_reply_to: str | None = None,
    direction: Literal["in", "out"] = "in",
    body: str = "Dank u.",
) -> str:
    """A secure message in a conversation's thread, stored as the relay sync stores one:
    from the recipient ("in", a reply when `in_reply_to`) or from the office ("out")."""
    office, patient = "kantoor@office.test", "p@example.test"
    return store.mailbox.add_message(
        account_id=None,
        conversation_id=conversation_id,
        kind="secure",
        direction=direction,
        sender=patient if direction == "in" else office,
        recipients=office if direction == "in" else patient,
        subject="Re: Uitslag",
        body=body,
        date=date,
        in_reply_to=in_reply_to,
    )


def secure_sent(
    store: Store,
    subject: str,
    date: str,
    *,
    recipient: str = "p@example.test",
    body: str | None = None,
) -> tuple[str, str, str]:
    """A secure conversation with one message sent to one recipient (by e-mail code): the
    ids of the conversation, the message and the recipient."""
    cid, sent, rid = new_id(), new_id(), new_id()
    store.mailbox.ensure_conversation(cid, account_id=None, kind="secure", subject=subject)
    store.mailbox.add_message(
        message_id=sent,
        account_id=None,
        conversation_id=cid,
        kind="secure",
        direction="out",
        sender="kantoor@office.test",
        recipients=recipient,
        subject=subject,
        body=body,
        date=date,
    )
    store.secure.add(
        message_id=sent, relay_url="https://relay.test", cek=Secret(os.urandom(32)), expires_at=None
    )
    store.secure.add_recipient(
        recipient_id=rid,
        message_id=sent,
        address=recipient,
        name="",
        method=VerificationMethod.EMAIL,
        phone=None,
    )
    return cid, sent, rid

"""Store content for the listing tests and the listing benchmark."""

from __future__ import annotations

import os

from zivverdesk.core.model import VerificationMethod, new_id
from zivverdesk.core.secret import Secret
from zivverdesk.store import Store


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

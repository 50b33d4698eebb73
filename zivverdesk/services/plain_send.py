"""Ordinary (unprotected) mail, only when the user chose "Verzenden zonder beveiliging".

Queued like a secure send so an SMTP outage never loses it; one step: hand it to SMTP.
"""

from __future__ import annotations

import mimetypes
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.core.model import new_id
from zivverdesk.mail.smtp_send import send_message
from zivverdesk.services.connections import Connections
from zivverdesk.services.profile import Profile
from zivverdesk.store.addressbook import mail_domain

KIND = "plain_send"


def queue_plain(
    profile: Profile, *, to: list[str], subject: str, body: str, attachments: list[Path]
) -> tuple[str, str]:
    """Store and queue a plain mail; returns (message id, outbox job id)."""
    if not to:
        raise ZivverdeskError("Geen ontvanger. / No recipient.")
    for path in attachments:
        if not path.is_file():
            raise ZivverdeskError(f"Bijlage {path} bestaat niet. / Attachment not found.")
    account = profile.account()
    message_id = new_id()
    store = profile.store
    with store.db.transaction():
        store.mailbox.add_message(
            message_id=message_id,
            account_id=account.id,
            conversation_id=None,
            kind="plain",
            direction="out",
            sender=account.email,
            recipients=", ".join(to),
            subject=subject,
            body=body,
            has_attachments=bool(attachments),
        )
        job = store.outbox.enqueue(
            kind=KIND,
            message_id=message_id,
            payload={
                "account_id": account.id,
                "to": to,
                "attachments": [str(p.resolve()) for p in attachments],
            },
        )
    return message_id, job


def steps(payload: dict[str, Any]) -> list[str]:
    return ["smtp"]


def run_step(
    profile: Profile,
    job_id: str,
    message_id: str,
    step: str,
    payload: dict[str, Any],
    conn: Connections,
    progress: Any,
) -> dict[str, Any]:
    store = profile.store
    account = store.accounts.get(payload["account_id"])
    message = store.mailbox.message(message_id)
    mail = EmailMessage()
    mail["From"] = Address(display_name=account.display_name, addr_spec=account.email)
    mail["To"] = ", ".join(payload["to"])
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(parsedate_to_datetime_utc(message.date))
    mail["Message-ID"] = f"<{message_id}@{mail_domain(account.email)}>"
    mail.set_content(store.mailbox.body(message_id) or "")
    for raw in payload["attachments"]:
        path = Path(raw)
        kind = (mimetypes.guess_type(path.name)[0] or "application/octet-stream").split("/", 1)
        mail.add_attachment(
            path.read_bytes(), maintype=kind[0], subtype=kind[1], filename=path.name
        )
    send_message(profile.mail_servers(account).smtp, profile.mail_auth(account), mail)
    store.outbox.finish_step(job_id, step)
    return payload


def finish(profile: Profile, message_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    return payload


def parsedate_to_datetime_utc(stamp: str) -> Any:
    from datetime import datetime

    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return parsedate_to_datetime(stamp)

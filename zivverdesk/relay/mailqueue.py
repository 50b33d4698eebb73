"""The outbound mail queue: every mail is stored in the database (unique idempotency key)
before it is sent, then a worker thread in the server sends due mails over the configured
SMTP smarthost, retrying with exponential backoff while the server is down.

Several relay processes may run workers on one database: a mail is claimed for a while
before sending, so only one process sends it. After sending, its body is erased (codes do not
linger). When a mail is given up, the sender is told in the feed (`mail_failed`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import smtplib
import ssl
import threading
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from sqlalchemy import Connection, or_, select
from sqlalchemy.exc import SQLAlchemyError

from zivverdesk.core.model import EventKind, new_id
from zivverdesk.relay import feed
from zivverdesk.relay.db.engine import Database
from zivverdesk.relay.db.schema import mail_queue
from zivverdesk.relay.mailtexts import MailText
from zivverdesk.relay.settings import SmtpSettings
from zivverdesk.relay.wire import now

log = logging.getLogger("zivverdesk.relay.mail")
CLAIM_SECONDS = 120
BATCH = 20


def enqueue(
    conn: Connection,
    *,
    key: str,
    to: str,
    mail: MailText,
    headers: dict[str, str] | None = None,
    conversation_id: str | None = None,
    message_id: str | None = None,
) -> bool:
    """Queue a mail once per `key`; returns False if that key was queued before."""
    exists = conn.execute(
        select(mail_queue.c.id).where(mail_queue.c.idempotency_key == key)
    ).first()
    if exists is not None:
        return False
    at = now()
    conn.execute(
        mail_queue.insert().values(
            id=new_id(),
            idempotency_key=key,
            to_address=to,
            subject=mail.subject,
            text_body=mail.text,
            html_body=mail.html,
            headers=json.dumps(headers or {}),
            conversation_id=conversation_id,
            message_id=message_id,
            created_at=at,
            next_attempt_at=at,
            attempts=0,
        )
    )
    return True


class SendError(Exception):
    pass


def send_one(settings: SmtpSettings, row: Any) -> None:
    """Hand one mail to the smarthost; raises SendError with a short reason."""
    msg = EmailMessage()
    msg["From"] = settings.from_address
    msg["To"] = row.to_address
    msg["Subject"] = row.subject
    msg["Date"] = formatdate(usegmt=True)
    digest = hashlib.sha256(row.idempotency_key.encode()).hexdigest()[:32]
    domain = settings.from_address.rsplit("@", 1)[-1]
    msg["Message-ID"] = f"<{digest}@{domain}>"  # same on every retry: receivers can dedupe
    msg["Auto-Submitted"] = "auto-generated"
    for name, value in json.loads(row.headers).items():
        msg[name] = value
    msg.set_content(row.text_body)
    msg.add_alternative(row.html_body, subtype="html")
    context = ssl.create_default_context(cafile=settings.ca_file or None)
    try:
        if settings.tls == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with client:
            if settings.tls == "starttls":
                client.starttls(context=context)
            if settings.username:
                client.login(settings.username, settings.password.reveal())
            client.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise SendError(f"{type(exc).__name__}: {exc}"[:300]) from exc


class MailWorker:
    """Sends due mails in a background thread until `stop()`."""

    def __init__(self, db: Database, settings: SmtpSettings) -> None:
        self.db = db
        self.settings = settings
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="relay-mail", daemon=True)

    def start(self) -> None:
        if self.settings.host:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.settings.timeout + 5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except SQLAlchemyError as exc:  # database briefly unavailable: try again later
                log.warning("mail queue scan failed: %s", type(exc).__name__)
            self._stop.wait(self.settings.poll_interval)

    def run_once(self) -> int:
        """Send every due mail once; returns how many were sent."""
        sent = 0
        for row in self._claim():
            try:
                send_one(self.settings, row)
            except SendError as exc:
                self._failed(row, str(exc))
            else:
                self._sent(row)
                sent += 1
        return sent

    def _claim(self) -> list[Any]:
        at = now()
        with self.db.write() as conn:
            rows = conn.execute(
                select(mail_queue)
                .where(
                    mail_queue.c.sent_at.is_(None),
                    mail_queue.c.failed_at.is_(None),
                    mail_queue.c.next_attempt_at <= at,
                    or_(mail_queue.c.claimed_until.is_(None), mail_queue.c.claimed_until < at),
                )
                .order_by(mail_queue.c.next_attempt_at)
                .limit(BATCH)
            ).all()
            if rows:
                conn.execute(
                    mail_queue.update()
                    .where(mail_queue.c.id.in_([r.id for r in rows]))
                    .values(claimed_until=at + timedelta(seconds=CLAIM_SECONDS))
                )
            return list(rows)

    def _sent(self, row: Any) -> None:
        with self.db.write() as conn:
            conn.execute(
                mail_queue.update()
                .where(mail_queue.c.id == row.id)
                .values(
                    sent_at=now(),
                    claimed_until=None,
                    text_body="",
                    html_body="",
                    attempts=row.attempts + 1,
                )
            )

    def _failed(self, row: Any, reason: str) -> None:
        attempts = row.attempts + 1
        log.info("mail %s not sent (attempt %d): %s", row.id, attempts, reason)
        give_up = attempts >= self.settings.max_attempts
        delay = min(self.settings.retry_base * 2 ** (attempts - 1), self.settings.retry_max)
        with self.db.write() as conn:
            conn.execute(
                mail_queue.update()
                .where(mail_queue.c.id == row.id)
                .values(
                    attempts=attempts,
                    last_error=reason,
                    claimed_until=None,
                    next_attempt_at=now() + timedelta(seconds=delay),
                    failed_at=now() if give_up else None,
                )
            )
            if row.conversation_id and (attempts == 1 or give_up):
                feed.emit(
                    conn,
                    EventKind.MAIL_FAILED,
                    conversation_id=row.conversation_id,
                    message_id=row.message_id,
                    detail="gave_up" if give_up else "retrying",
                )

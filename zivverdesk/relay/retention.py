"""Retention: expired and revoked messages lose their blobs and keys (crypto-shredding; the
record and its events stay), stale uploads and expired codes, sessions and rate-limit
counters go. Every deletion of a message's content is written to the audit trail.
Run by `relay admin purge-expired` and periodically inside the server.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection, delete, or_, select
from sqlalchemy.exc import SQLAlchemyError

from zivverdesk.core.model import EventKind
from zivverdesk.relay import audit, feed, lockout
from zivverdesk.relay.blobs import BlobStore
from zivverdesk.relay.db.engine import Database
from zivverdesk.relay.db.schema import (
    blobs,
    device_challenges,
    messages,
    recipients,
    remembered_devices,
    sealed_keys,
    sessions,
    verification_codes,
)
from zivverdesk.relay.settings import RelaySettings
from zivverdesk.relay.wire import now

log = logging.getLogger("zivverdesk.relay.retention")


@dataclass(frozen=True)
class PurgeReport:
    messages: int
    blobs: int
    abandoned: int
    partials: int


def shred_message(conn: Connection, message_id: str) -> list[str]:
    """Crypto-shred a message (revoked or expired): its sealed keys, recipient key wraps and
    blobs go, the record stays. Returns the ids of the blobs whose files are to be deleted."""
    blob_ids = [
        r.id for r in conn.execute(select(blobs.c.id).where(blobs.c.message_id == message_id))
    ]
    conn.execute(blobs.update().where(blobs.c.message_id == message_id).values(deleted=True))
    conn.execute(sealed_keys.delete().where(sealed_keys.c.message_id == message_id))
    conn.execute(
        recipients.update()
        .where(recipients.c.message_id == message_id)
        .values(verifier=None, wrapped_cek=None, code_salt=None)
    )
    return blob_ids


def purge(db: Database, store: BlobStore, settings: RelaySettings) -> PurgeReport:
    at = now()
    stale = at - timedelta(hours=settings.retention.incomplete_upload_hours)
    blob_ids: list[str] = []
    purged = abandoned = 0
    with db.write() as conn:
        due = conn.execute(
            select(messages).where(
                messages.c.purged_at.is_(None),
                or_(
                    messages.c.expires_at <= at,
                    messages.c.revoked_at.is_not(None),
                    (messages.c.committed_at.is_(None)) & (messages.c.created_at < stale),
                ),
            )
        ).all()
        for row in due:
            ids = shred_message(conn, row.id)
            blob_ids += ids
            conn.execute(messages.update().where(messages.c.id == row.id).values(purged_at=at))
            if row.committed_at is None:
                reason = "abandoned_upload"
                abandoned += 1
            else:
                reason = "revoked" if row.revoked_at is not None else "expired"
                purged += 1
            if reason == "expired":
                for rec in conn.execute(
                    select(recipients.c.id).where(
                        recipients.c.message_id == row.id, recipients.c.replaced_by.is_(None)
                    )
                ):
                    feed.emit(
                        conn,
                        EventKind.EXPIRED,
                        conversation_id=row.conversation_id,
                        message_id=row.id,
                        recipient_id=rec.id,
                    )
            audit.append(
                conn,
                audit.SYSTEM,
                "content_deleted",
                message_id=row.id,
                detail=f"{reason}; blobs={len(ids)}",
            )
        conn.execute(delete(sessions).where(sessions.c.expires_at < at))
        conn.execute(delete(verification_codes).where(verification_codes.c.expires_at < at))
        lockout.purge_rate_limits(conn)
        conn.execute(delete(remembered_devices).where(remembered_devices.c.expires_at < at))
        conn.execute(delete(device_challenges).where(device_challenges.c.expires_at < at))
    for blob_id in blob_ids:  # only after the commit: the keys are gone first
        store.delete(blob_id)
    partials = store.remove_stale_partials(settings.retention.incomplete_upload_hours * 3600)
    return PurgeReport(purged, len(blob_ids), abandoned, partials)


class PurgeWorker:
    """Runs `purge` every `retention.purge_interval` seconds in a background thread."""

    def __init__(self, db: Database, store: BlobStore, settings: RelaySettings) -> None:
        self.db, self.store, self.settings = db, store, settings
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="relay-purge", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.wait(self.settings.retention.purge_interval):
            try:
                report = purge(self.db, self.store, self.settings)
            except (SQLAlchemyError, OSError) as exc:
                log.warning("purge failed: %s", type(exc).__name__)
                continue
            if report.messages or report.abandoned or report.partials:
                log.info("purged %s", report)

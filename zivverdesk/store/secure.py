"""What the desktop knows about its secure messages: content keys (sealed), recipients with
their verification method and state, and the per-recipient timeline from the relay feed."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from zivverdesk.core.model import EventKind, RecipientState, VerificationMethod, apply_event
from zivverdesk.core.secret import Secret
from zivverdesk.store.database import Database, utc_now
from zivverdesk.store.mailbox import MessageNotFound

_CEK = "secure_messages.cek"


@dataclass(frozen=True, kw_only=True)
class SecureInfo:
    message_id: str
    relay_url: str
    expires_at: str | None
    committed: bool
    revoked: bool


@dataclass(frozen=True, kw_only=True)
class Recipient:
    id: str
    message_id: str
    address: str
    name: str
    method: VerificationMethod
    phone: str | None
    state: RecipientState
    replaced_by: str | None


@dataclass(frozen=True, kw_only=True)
class TimelineEntry:
    recipient_id: str | None
    kind: str
    at: str
    detail: str


class SecureMessages:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(
        self,
        *,
        message_id: str,
        relay_url: str,
        cek: Secret[bytes],
        expires_at: str | None,
    ) -> None:
        sealed = self._db.cipher.seal(cek.reveal(), label=_CEK, row=message_id)
        self._db.execute(
            "INSERT INTO secure_messages (message_id, relay_url, cek_sealed, expires_at) "
            "VALUES (?,?,?,?) ON CONFLICT (message_id) DO NOTHING",
            (message_id, relay_url, sealed, expires_at),
        )

    def info(self, message_id: str) -> SecureInfo:
        row = self._db.query_one(
            "SELECT * FROM secure_messages WHERE message_id = ?", (message_id,)
        )
        if row is None:
            raise MessageNotFound(f"{message_id} is not a secure message.")
        return SecureInfo(
            message_id=row["message_id"],
            relay_url=row["relay_url"],
            expires_at=row["expires_at"],
            committed=bool(row["committed"]),
            revoked=bool(row["revoked"]),
        )

    def is_secure(self, message_id: str) -> bool:
        row = self._db.query_one(
            "SELECT 1 FROM secure_messages WHERE message_id = ?", (message_id,)
        )
        return row is not None

    def cek(self, message_id: str) -> Secret[bytes]:
        row = self._db.query_one(
            "SELECT cek_sealed FROM secure_messages WHERE message_id = ?", (message_id,)
        )
        if row is None:
            raise MessageNotFound(f"{message_id} is not a secure message.")
        return Secret(self._db.cipher.open(row["cek_sealed"], label=_CEK, row=message_id))

    def mark_committed(self, message_id: str) -> None:
        self._db.execute(
            "UPDATE secure_messages SET committed = 1 WHERE message_id = ?", (message_id,)
        )

    def mark_revoked(self, message_id: str) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE secure_messages SET revoked = 1 WHERE message_id = ?", (message_id,)
            )
            conn.execute(
                "UPDATE recipients SET state = ? WHERE message_id = ?",
                (RecipientState.REVOKED.value, message_id),
            )

    # --- recipients -------------------------------------------------------------------

    def add_recipient(
        self,
        *,
        recipient_id: str,
        message_id: str,
        address: str,
        name: str,
        method: VerificationMethod,
        phone: str | None,
    ) -> None:
        self._db.execute(
            "INSERT INTO recipients (id, message_id, address, name, method, phone, state, "
            "created) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (id) DO NOTHING",
            (
                recipient_id,
                message_id,
                address,
                name,
                method.value,
                phone,
                RecipientState.PENDING.value,
                utc_now(),
            ),
        )

    def replace_recipient(self, old_id: str, new_id: str, *, address: str) -> None:
        """A resend rotated the link: the new recipient id takes over (history stays)."""
        with self._db.transaction() as conn:
            row = conn.execute("SELECT * FROM recipients WHERE id = ?", (old_id,)).fetchone()
            if row is None:
                raise MessageNotFound("That recipient does not exist.")
            conn.execute(
                "INSERT INTO recipients (id, message_id, address, name, method, phone, state, "
                "created) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (id) DO NOTHING",
                (
                    new_id,
                    row["message_id"],
                    address,
                    row["name"],
                    row["method"],
                    row["phone"],
                    RecipientState.PENDING.value,
                    utc_now(),
                ),
            )
            conn.execute("UPDATE recipients SET replaced_by = ? WHERE id = ?", (new_id, old_id))

    def mark_replaced(self, recipient_id: str, replaced_by: str) -> None:
        """The relay reports that this recipient's link was replaced (a resend elsewhere)."""
        self._db.execute(
            "UPDATE recipients SET replaced_by = ? WHERE id = ?", (replaced_by, recipient_id)
        )

    def recipients(self, message_id: str, *, current_only: bool = True) -> list[Recipient]:
        extra = " AND replaced_by IS NULL" if current_only else ""
        rows = self._db.query(
            f"SELECT * FROM recipients WHERE message_id = ?{extra} ORDER BY created, rowid",  # noqa: S608
            (message_id,),
        )
        return [_recipient(r) for r in rows]

    def recipient(self, recipient_id: str) -> Recipient:
        row = self._db.query_one("SELECT * FROM recipients WHERE id = ?", (recipient_id,))
        if row is None:
            raise MessageNotFound("That recipient does not exist.")
        return _recipient(row)

    # --- events -----------------------------------------------------------------------

    def record_event(
        self,
        *,
        message_id: str,
        recipient_id: str | None,
        kind: str,
        at: str | None = None,
        detail: str = "",
        event_key: str | None = None,
    ) -> bool:
        """Add a timeline entry and move the recipient's state; a repeated `event_key` is
        ignored (the feed is at-least-once and IMAP reports the same events)."""
        with self._db.transaction() as conn:
            try:
                conn.execute(
                    "INSERT INTO recipient_events (message_id, recipient_id, kind, at, detail, "
                    "event_key) VALUES (?,?,?,?,?,?)",
                    (message_id, recipient_id, kind, at or utc_now(), detail, event_key),
                )
            except sqlite3.IntegrityError:
                return False
            if recipient_id is not None and kind in EventKind.__members__.values():
                row = conn.execute(
                    "SELECT state FROM recipients WHERE id = ?", (recipient_id,)
                ).fetchone()
                if row is not None:
                    new_state = apply_event(RecipientState(row["state"]), EventKind(kind))
                    conn.execute(
                        "UPDATE recipients SET state = ? WHERE id = ?",
                        (new_state.value, recipient_id),
                    )
        return True

    def timeline(self, message_id: str) -> list[TimelineEntry]:
        return [
            TimelineEntry(
                recipient_id=r["recipient_id"], kind=r["kind"], at=r["at"], detail=r["detail"]
            )
            for r in self._db.query(
                "SELECT recipient_id, kind, at, detail FROM recipient_events "
                "WHERE message_id = ? ORDER BY at, id",
                (message_id,),
            )
        ]


def _recipient(row: Any) -> Recipient:
    return Recipient(
        id=row["id"],
        message_id=row["message_id"],
        address=row["address"],
        name=row["name"],
        method=VerificationMethod(row["method"]),
        phone=row["phone"],
        state=RecipientState(row["state"]),
        replaced_by=row["replaced_by"],
    )

"""The change feed: events about messages, read by their sender and, for shared
conversations, by the whole team (every active user of this relay).

Events are rows with a growing sequence number (the cursor). Because every write
transaction is serialized (see `db.engine`), sequence numbers become visible in order, so a
reader that asks "after N" never misses an event that commits later with a smaller number.
Long-poll waiting polls the database at a short interval so that an event written by another
relay process on the same PostgreSQL wakes the reader as soon as one written here.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from sqlalchemy import Connection, or_, select

from zivverdesk.core.model import EventKind
from zivverdesk.relay.db.engine import Database
from zivverdesk.relay.db.prepared import Prepared
from zivverdesk.relay.db.schema import conversations, events
from zivverdesk.relay.wire import now, rfc3339

POLL_INTERVAL = 0.25  # seconds between database checks while a long-poll waits
MAX_WAIT = 30
# Built once: SQLAlchemy reuses its cache key and compiled form (see lockout.py).
_INSERT = Prepared(events.insert())


def emit(
    conn: Connection,
    kind: EventKind,
    *,
    conversation_id: str,
    message_id: str | None = None,
    recipient_id: str | None = None,
    reply_id: str | None = None,
    blob_id: str | None = None,
    detail: str = "",
) -> None:
    _INSERT.run(
        conn,
        {
            "kind": kind.value,
            "conversation_id": conversation_id,
            "message_id": message_id,
            "recipient_id": recipient_id,
            "reply_id": reply_id,
            "blob_id": blob_id,
            "at": now(),
            "detail": detail,
        },
    )


def has_event(conn: Connection, kind: EventKind, *, recipient_id: str, message_id: str) -> bool:
    row = conn.execute(
        select(events.c.seq)
        .where(
            events.c.kind == kind.value,
            events.c.recipient_id == recipient_id,
            events.c.message_id == message_id,
        )
        .limit(1)
    ).first()
    return row is not None


def visible_events(conn: Connection, user_id: str, after: int, limit: int) -> list[dict[str, Any]]:
    query = (
        select(events)
        .join(conversations, conversations.c.id == events.c.conversation_id)
        .where(
            events.c.seq > after,
            or_(conversations.c.owner_id == user_id, conversations.c.shared.is_(True)),
        )
        .order_by(events.c.seq)
        .limit(limit)
    )
    return [_wire(dict(row)) for row in conn.execute(query).mappings()]


def latest_seq(conn: Connection) -> int:
    row = conn.execute(select(events.c.seq).order_by(events.c.seq.desc()).limit(1)).first()
    return int(row.seq) if row else 0


def _wire(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "cursor": str(row["seq"]),
        "kind": row["kind"],
        "message_id": row["message_id"],
        "conversation_id": row["conversation_id"],
        "recipient_id": row["recipient_id"],
        "reply_id": row["reply_id"],
        "blob_id": row["blob_id"],
        "at": rfc3339(row["at"]),
        "detail": row["detail"],
    }


async def wait_for_events(
    db: Database, user_id: str, after: int, wait: float, limit: int
) -> list[dict[str, Any]]:
    """Events after `after`, waiting up to `wait` seconds (≤ 30) for the first one."""
    deadline = time.monotonic() + min(max(wait, 0.0), MAX_WAIT)
    while True:
        items = await asyncio.to_thread(_read, db, user_id, after, limit)
        remaining = deadline - time.monotonic()
        if items or remaining <= 0:
            return items
        await asyncio.sleep(min(POLL_INTERVAL, remaining))


def _read(db: Database, user_id: str, after: int, limit: int) -> list[dict[str, Any]]:
    with db.read() as conn:
        return visible_events(conn, user_id, after, limit)

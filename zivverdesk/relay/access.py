"""Who may see what: conversations belong to their owner and, when shared, to the whole
office team (every user of this relay). Lookups used by several API modules."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, or_, select

from zivverdesk.relay.db.prepared import Prepared
from zivverdesk.relay.db.schema import conversations, messages


def conversation_visible(conn: Connection, conversation_id: str, user_id: str) -> bool:
    row = conn.execute(
        select(conversations.c.id).where(
            conversations.c.id == conversation_id,
            or_(conversations.c.owner_id == user_id, conversations.c.shared.is_(True)),
        )
    ).first()
    return row is not None


# Built once: SQLAlchemy reuses its cache key and compiled form (see lockout.py).
_MESSAGE = Prepared(select(messages).where(messages.c.id == bindparam("b_message_id")))


def message_row(conn: Connection, message_id: str) -> Any:
    return _MESSAGE.first(conn, {"b_message_id": message_id})


def visible_message(conn: Connection, message_id: str, user_id: str) -> Any:
    """The message if the user may see it (sender, owner, or team on a shared conversation)."""
    row = message_row(conn, message_id)
    if row is None:
        return None
    if row.sender_id == user_id or conversation_visible(conn, row.conversation_id, user_id):
        return row
    return None

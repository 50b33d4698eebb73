"""`relay/db/prepared.py` against SQLAlchemy Core on the real databases (SQLite and
PostgreSQL): every hot-path statement gives the same rows, converted the same way (aware
UTC datetimes, booleans, bytes), and its inserts and updates store what Core reads back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.exc import InvalidRequestError

from tests.plugins.relay import EnrolledDevice, RelayProcess
from tests.relay.helpers import create_message, recipient_client, verify
from zivverdesk.core.model import EventKind
from zivverdesk.relay import audit, lockout
from zivverdesk.relay.access import _MESSAGE
from zivverdesk.relay.api.messages import _BLOBS_OF
from zivverdesk.relay.api.recipient import _CHILDREN_OF, _LINK, _SESSION_LINK
from zivverdesk.relay.api.uploads import _BLOB_ROW
from zivverdesk.relay.db import prepared as prepared_module
from zivverdesk.relay.db.engine import Database
from zivverdesk.relay.db.prepared import Prepared
from zivverdesk.relay.db.schema import audit_head, events, messages, rate_limits, recipients
from zivverdesk.relay.verification import token_hash


class _Undo(Exception):
    """Raised to roll a write transaction back."""


@pytest.fixture
def db(relay: RelayProcess) -> Iterator[Database]:
    """The relay's own database, opened by the test."""
    database = Database(
        relay.database or f"sqlite:///{relay.data_dir / 'relay.sqlite3'}", pool_size=1
    )
    try:
        yield database
    finally:
        database.dispose()


def _same_rows(conn: Connection, statement: Any, params: dict[str, Any]) -> list[Any]:
    core = [tuple(row) for row in conn.execute(statement, params).all()]
    prepared = Prepared(statement).all(conn, params)
    assert [tuple(row) for row in prepared] == core
    assert prepared, "the comparison needs rows"
    for row, core_row in zip(prepared, conn.execute(statement, params).all(), strict=True):
        assert row._asdict() == core_row._asdict()  # the same names, too
    return prepared


def test_selects_match_core(relay: RelayProcess, alice: EnrolledDevice, db: Database) -> None:
    msg = create_message(relay, alice)
    rec = msg.recipients[0]
    with recipient_client(relay) as client:
        assert verify(client, msg, rec).status_code == 200
        token = client.cookies["zv_session"]
    with db.read() as conn:
        link = {"b_recipient_id": rec.recipient_id, "b_message_id": msg.message_id}
        row = _same_rows(conn, _LINK, link)[0]
        assert row.committed_at.tzinfo is UTC and isinstance(row.shared, bool)
        assert isinstance(row.wrapped_cek, bytes) and row.sender_name == "Alice de Vries"
        session = {**link, "b_token_hash": token_hash(token), "b_now": datetime.now(UTC)}
        assert _same_rows(conn, _SESSION_LINK, session)[0].opened_at is not None
        message = _same_rows(conn, _MESSAGE.statement, {"b_message_id": msg.message_id})
        assert message[0].expires_at > datetime.now(UTC)
        blobs = _same_rows(conn, _BLOBS_OF, {"b_message_id": msg.message_id})
        assert isinstance(blobs[0].complete, bool)
        _same_rows(conn, _BLOB_ROW, {"b_blob_id": blobs[0].id})
        # No row: None from both.
        missing = {"b_recipient_id": rec.recipient_id, "b_message_id": "0" * 32}
        assert Prepared(_LINK).first(conn, missing) is None
        assert conn.execute(_LINK, missing).first() is None


def test_writes_store_what_core_reads(
    relay: RelayProcess, alice: EnrolledDevice, db: Database
) -> None:
    msg = create_message(relay, alice)
    rec = msg.recipients[0]
    at = datetime(2026, 11, 30, 10, 0, 0, 123456, tzinfo=UTC)
    with pytest.raises(_Undo), db.write() as conn:
        Prepared(events.insert()).run(
            conn,
            {
                "kind": EventKind.LINK_FETCHED.value,
                "conversation_id": msg.conversation_id,
                "message_id": msg.message_id,
                "recipient_id": rec.recipient_id,
                "reply_id": None,
                "blob_id": None,
                "at": at,
                "detail": "prepared",
            },
        )
        stored = conn.execute(select(events).where(events.c.detail == "prepared")).one()
        assert stored.at == at and stored.recipient_id == rec.recipient_id
        # An update reports the rows it changed; a second one, none.
        mark = (
            recipients.update()
            .where(recipients.c.id == rec.recipient_id, recipients.c.opened_at.is_(None))
            .values(opened_at=at)
        )
        assert Prepared(mark).run(conn, {}) == 1
        assert Prepared(mark).run(conn, {}) == 0
        opened = select(recipients.c.opened_at).where(recipients.c.id == rec.recipient_id)
        assert conn.execute(opened).scalar_one() == at
        # An upsert with RETURNING counts up; an expiry round-trips as an aware datetime.
        first = lockout.hit_rate_limit(conn, "test", "192.0.2.7", 10, 60)
        second = lockout.hit_rate_limit(conn, "test", "192.0.2.7", 1, 60)
        assert first and not second
        expires = conn.execute(
            select(rate_limits.c.expires_at).where(rate_limits.c.key.like("test:192.0.2.7:%"))
        ).scalar_one()
        assert timedelta(0) < expires - datetime.now(UTC) <= timedelta(seconds=61)
        # The audit chain written through prepared statements still verifies.
        audit.append(conn, audit.SYSTEM, "prepared_test", message_id=msg.message_id)
        assert conn.execute(select(audit_head.c.seq)).scalar_one() >= 1
        assert audit.verify(conn).ok
        raise _Undo  # roll back: leave the module's shared relay as it was
    with db.read() as conn:
        assert audit.verify(conn).ok


def test_thread_walk_matches_core(relay: RelayProcess, alice: EnrolledDevice, db: Database) -> None:
    """The thread walk's prepared step finds the answers to a message, as Core does."""
    msg = create_message(relay, alice)
    rec = msg.recipients[0]
    at = datetime.now(UTC)
    with pytest.raises(_Undo), db.write() as conn:
        for n in range(2):  # two answers of the office to the message
            conn.execute(
                messages.insert().values(
                    id=f"{n:032x}",
                    conversation_id=msg.conversation_id,
                    kind="outbound",
                    sender_id=alice.user["id"],
                    in_reply_to=msg.message_id,
                    shared=True,
                    created_at=at,
                    committed_at=at + timedelta(seconds=n),
                    expires_at=at + timedelta(days=1),
                )
            )
        where = {"b_conversation_id": msg.conversation_id, "b_address": rec.address.lower()}
        one = _same_rows(conn, _CHILDREN_OF, {**where, "b_parent": msg.message_id})
        assert sorted(r.id for r in one) == [f"{n:032x}" for n in range(2)]
        assert len(one) == 2 and all(r.committed_at.tzinfo is UTC for r in one)
        raise _Undo


def test_values_gathered_as_slot_by_slot() -> None:
    """The common case's shortcut gives each statement the values its slots would: required
    ones by key, fixed ones converted, and a value given for a fixed slot or by the rendered
    name taking the slot-by-slot path."""
    at = datetime(2026, 11, 30, 10, 0, 0, 123456, tzinfo=UTC)
    mark = (
        recipients.update()
        .where(recipients.c.id == "r" * 32, recipients.c.opened_at.is_(None))
        .values(opened_at=at)
    )
    session = {"b_recipient_id": "r", "b_message_id": "m", "b_token_hash": b"h", "b_now": at}
    cases: list[tuple[Any, dict[str, Any]]] = [
        (_SESSION_LINK, session),
        (_SESSION_LINK, {**session, "scope_1": "desktop"}),  # a fixed value given
        (_CHILDREN_OF, {"b_parent": "p", "b_conversation_id": "c", "b_address": "a@b"}),
        (mark, {}),
        (mark, {"opened_at": at + timedelta(days=1)}),
        (events.insert(), {"kind": "opened", "at": at, "detail": ""}),
    ]
    postgres = PGDialect_psycopg()  # type: ignore[no-untyped-call]
    for dialect in (SQLiteDialect_pysqlite(), postgres):
        for statement, params in cases:
            plan = Prepared(statement)._plan(dialect, params)
            slot_by_slot = [prepared_module._value(slot, params) for slot in plan.slots]
            assert prepared_module._gather(plan, params) == slot_by_slot, plan.sql
    missing = Prepared(_SESSION_LINK)._plan(SQLiteDialect_pysqlite(), session)
    with pytest.raises(InvalidRequestError):
        prepared_module._gather(missing, {"b_recipient_id": "r"})

"""Attempt counting and growing lockouts per recipient link, and per-IP rate limits.

Both live in the database and are changed only inside serialized write transactions, so
two relay processes on one PostgreSQL count the same attempts and see the same lockouts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from zivverdesk.relay.db.prepared import Prepared
from zivverdesk.relay.db.schema import rate_limits, recipients
from zivverdesk.relay.settings import LimitSettings
from zivverdesk.relay.wire import now


@dataclass(frozen=True)
class FailureOutcome:
    attempts_left: int
    locked_until: datetime | None  # set when this failure started a lockout


def locked_until(recipient: Any, at: datetime | None = None) -> datetime | None:
    """The end of the recipient's current lockout, or None when not locked."""
    until: datetime | None = recipient.locked_until
    if until is not None and until > (at or now()):
        return until
    return None


def attempts_left(recipient: Any, limits: LimitSettings) -> int:
    return max(limits.max_attempts - int(recipient.failures), 0)


def record_failure(conn: Connection, recipient_id: str, limits: LimitSettings) -> FailureOutcome:
    row = conn.execute(
        select(recipients.c.failures, recipients.c.lock_level)
        .where(recipients.c.id == recipient_id)
        .with_for_update()
    ).one()
    failures = int(row.failures) + 1
    if failures < limits.max_attempts:
        conn.execute(
            recipients.update().where(recipients.c.id == recipient_id).values(failures=failures)
        )
        return FailureOutcome(limits.max_attempts - failures, None)
    level = int(row.lock_level) + 1
    step = limits.lockout_steps[min(level, len(limits.lockout_steps)) - 1]
    until = now() + timedelta(seconds=step)
    conn.execute(
        recipients.update()
        .where(recipients.c.id == recipient_id)
        .values(failures=0, lock_level=level, locked_until=until)
    )
    return FailureOutcome(0, until)


# Statements on the verification path are built once: SQLAlchemy then reuses their cache
# key and compiled form, where building them per call cost more CPU than running them.
_RESET = (
    recipients.update()
    .where(recipients.c.id == bindparam("b_recipient_id"))
    .values(failures=0, lock_level=0, locked_until=None)
)
_COUNT = Prepared(select(rate_limits.c.count).where(rate_limits.c.key == bindparam("b_key")))
_UPSERTS: dict[str, Prepared] = {}


def _upsert(dialect: str) -> Prepared:
    """INSERT … ON CONFLICT DO UPDATE count+1 RETURNING count, for PostgreSQL or SQLite."""
    if dialect not in _UPSERTS:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        _UPSERTS[dialect] = Prepared(
            insert(rate_limits)
            .on_conflict_do_update(
                index_elements=[rate_limits.c.key], set_={"count": rate_limits.c.count + 1}
            )
            .returning(rate_limits.c.count)
        )
    return _UPSERTS[dialect]


def record_success(conn: Connection, recipient_id: str, recipient: Any = None) -> None:
    """Clear failures and lockout; skipped when `recipient` (the row read in this same
    write transaction) shows there is nothing to clear."""
    if recipient is not None and (
        not recipient.failures and not recipient.lock_level and recipient.locked_until is None
    ):
        return
    conn.execute(_RESET, {"b_recipient_id": recipient_id})


def hit_rate_limit(conn: Connection, kind: str, ip: str, limit: int, window: int) -> bool:
    """Count one request of `kind` from `ip` in the current window; True if within `limit`."""
    at = now()
    start = int(at.timestamp()) // window * window
    key = f"{kind}:{ip}:{start}"[:200]
    values = {"key": key, "count": 1, "expires_at": at + timedelta(seconds=window)}
    count = _upsert(conn.dialect.name).scalar(conn, values)
    return int(count) <= limit


def count_in_window(conn: Connection, kind: str, ip: str, window: int) -> int:
    start = int(now().timestamp()) // window * window
    key = f"{kind}:{ip}:{start}"[:200]
    value = _COUNT.scalar(conn, {"b_key": key})
    return int(value or 0)


def purge_rate_limits(conn: Connection) -> int:
    return conn.execute(delete(rate_limits).where(rate_limits.c.expires_at < now())).rowcount


def _subject_key(subject: str) -> str:
    # Hashed: the key column is short and an e-mail address need not sit in a limits table.
    return "lock:" + hashlib.sha256(subject.encode()).hexdigest()


def subject_locked_until(conn: Connection, subject: str, limits: LimitSettings) -> datetime | None:
    """The end of a lockout of a code subject without a recipient row (the starter's e-mail
    code), or None. Counted in `rate_limits` so every relay process sees the same state."""
    row = conn.execute(
        select(rate_limits.c.count, rate_limits.c.expires_at).where(
            rate_limits.c.key == _subject_key(subject)
        )
    ).first()
    # Indexed: `Row.count` is the tuple method, not the column.
    if row is None or int(row[0]) < limits.max_attempts or row.expires_at <= now():
        return None
    until: datetime = row.expires_at
    return until


def record_subject_failure(conn: Connection, subject: str, limits: LimitSettings) -> FailureOutcome:
    """One wrong code for `subject`; the `max_attempts`-th within the first lockout step locks
    it for that step. Failures are forgotten one step after the last of them."""
    key = _subject_key(subject)
    step = timedelta(seconds=limits.lockout_steps[0])
    row = conn.execute(
        select(rate_limits.c.count, rate_limits.c.expires_at)
        .where(rate_limits.c.key == key)
        .with_for_update()
    ).first()
    count = 1 if row is None or row.expires_at <= now() else int(row[0]) + 1
    until = now() + step
    if row is None:
        conn.execute(rate_limits.insert().values(key=key, count=count, expires_at=until))
    else:
        conn.execute(
            rate_limits.update()
            .where(rate_limits.c.key == key)
            .values(count=count, expires_at=until)
        )
    if count >= limits.max_attempts:
        return FailureOutcome(0, until)
    return FailureOutcome(limits.max_attempts - count, None)


def clear_subject(conn: Connection, subject: str) -> None:
    conn.execute(delete(rate_limits).where(rate_limits.c.key == _subject_key(subject)))

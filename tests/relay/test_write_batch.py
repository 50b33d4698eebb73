"""`Database.run_write` on SQLite (`relay/db/batch.py`): writes queued while another process
holds the write lock commit together and in order, a job that raises is undone alone, and
the event loop keeps serving while a write waits for its turn.

"Another process" is a second open file description of the relay's write-lock file: a
`flock` on it conflicts with the database's own exactly as one held by another relay."""

from __future__ import annotations

import asyncio
import fcntl
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError

from tests.plugins.asyncrun import run as run_in_own_loop
from zivverdesk.relay import audit
from zivverdesk.relay.db.batch import batcher_for
from zivverdesk.relay.db.engine import Database
from zivverdesk.relay.db.schema import audit_log, blobs, rate_limits


class Refused(Exception):
    """What a job raises to refuse its request."""


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'relay.sqlite3'}")
    database.migrate(lock_dir=tmp_path)
    try:
        yield database
    finally:
        database.dispose()


class OtherProcess:
    """Holds the relay's cross-process write lock through a descriptor of its own."""

    def __init__(self, db: Database) -> None:
        self.fd = os.open(db._write_lock_file, os.O_RDWR | os.O_CREAT, 0o600)

    def __enter__(self) -> OtherProcess:
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def release(self) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)

    def __exit__(self, *exc: object) -> None:
        self.release()
        os.close(self.fd)


def _limit_row(key: str) -> Callable[[Connection], str]:
    expires = datetime.now(UTC) + timedelta(minutes=1)

    def job(conn: Connection) -> str:
        conn.execute(rate_limits.insert().values(key=key, count=1, expires_at=expires))
        return key

    return job


def _keys(db: Database) -> set[str]:
    with db.read() as conn:
        return set(conn.execute(select(rate_limits.c.key)).scalars())


async def _queued_behind_other_process(
    db: Database, jobs: Sequence[Callable[[Connection], object]]
) -> list[object]:
    """Start `jobs` while another process holds the lock, then let it go."""
    other = OtherProcess(db)
    with other:
        tasks = [asyncio.ensure_future(db.run_write(job)) for job in jobs]
        await asyncio.sleep(0.1)
        assert not any(t.done() for t in tasks), "the writes must wait for the lock"
    return await asyncio.gather(*tasks, return_exceptions=True)


def test_writes_queued_meanwhile_commit_together_in_order(db: Database) -> None:
    def entry(n: int) -> Callable[[Connection], None]:
        return lambda conn: audit.append(conn, audit.SYSTEM, f"job-{n}")

    async def main() -> int:
        results = await _queued_behind_other_process(db, [entry(n) for n in range(6)])
        assert results == [None] * 6
        return batcher_for(db).largest_batch

    assert run_in_own_loop(main()) == 6
    with db.read() as conn:
        events = list(conn.execute(select(audit_log.c.event).order_by(audit_log.c.seq)).scalars())
        assert events == [f"job-{n}" for n in range(6)]
        assert audit.verify(conn).ok


def test_a_job_that_raises_is_undone_alone(db: Database) -> None:
    def refused(conn: Connection) -> None:
        _limit_row("refused")(conn)
        raise Refused("no")

    async def main() -> list[object]:
        return await _queued_behind_other_process(
            db, [_limit_row("first"), refused, _limit_row("last")]
        )

    first, failure, last = run_in_own_loop(main())
    assert (first, last) == ("first", "last")
    assert isinstance(failure, Refused)
    assert _keys(db) == {"first", "last"}


def test_a_lone_job_that_raises_writes_nothing(db: Database) -> None:
    def refused(conn: Connection) -> None:
        _limit_row("refused")(conn)
        raise Refused("no")

    with pytest.raises(Refused):
        run_in_own_loop(db.run_write(refused))
    assert _keys(db) == set()
    run_in_own_loop(db.run_write(_limit_row("after")))
    assert _keys(db) == {"after"}


def test_the_loop_keeps_serving_while_a_write_waits(db: Database) -> None:
    """A write waiting for another process must not stop reads on the same event loop."""

    async def main() -> None:
        with OtherProcess(db) as other:
            write = asyncio.ensure_future(db.run_write(_limit_row("late")))
            for _ in range(5):  # reads answered while the write waits
                await asyncio.sleep(0.02)
                with db.read() as conn:
                    conn.execute(select(rate_limits.c.key)).all()
            assert not write.done()
            releaser = threading.Timer(0.05, other.release)
            releaser.start()
            assert await asyncio.wait_for(write, timeout=10) == "late"
            releaser.join()

    run_in_own_loop(main())
    assert _keys(db) == {"late"}


def test_a_synchronous_write_meanwhile_still_commits(db: Database) -> None:
    """Handlers outside the batch (thread pool, rare loop paths) keep writing as before."""

    async def main() -> None:
        with OtherProcess(db) as other:
            write = asyncio.ensure_future(db.run_write(_limit_row("batched")))
            await asyncio.sleep(0.05)
            threading.Timer(0.05, other.release).start()
            # Blocks this loop until the lock is free; the batch's waiting thread gets the
            # lock through the same descriptor, which is this process's, not the other's.
            with db.write() as conn:
                _limit_row("direct")(conn)
            assert await asyncio.wait_for(write, timeout=10) == "batched"

    run_in_own_loop(main())
    assert _keys(db) == {"batched", "direct"}


def test_a_failed_commit_reaches_every_write_of_the_batch(db: Database) -> None:
    """A commit that fails (here a foreign key checked at commit time) stores nothing, and
    every handler whose write was in it hears so; none waits forever."""

    def orphan_blob(conn: Connection) -> None:
        conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
        conn.execute(
            blobs.insert().values(
                id="b" * 32, message_id="m" * 32, position=0, size=1, sha256="0" * 64
            )
        )

    async def main() -> list[object]:
        return await _queued_behind_other_process(db, [_limit_row("first"), orphan_blob])

    first, second = run_in_own_loop(main())
    assert isinstance(first, IntegrityError) and first is second
    assert _keys(db) == set()
    with db.read() as conn:
        assert conn.execute(select(blobs.c.id)).all() == []

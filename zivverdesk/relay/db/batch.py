"""Write jobs of request handlers on SQLite, committed in batches (group commit).

Every write transaction is serialized across the relay's processes (`db.engine`). A handler
that wrote in place would hold up its whole event loop while another process had the write
lock — under load, a worker spent a seventh of its time that way — and each write paid for
its own lock hand-over and commit, whose WAL write is a third of a small transaction's cost.

Here a handler hands its write to the batcher of its event loop and awaits the result. When
nothing is queued and the lock is free, the job runs at once. Otherwise the batcher waits
for the cross-process lock in a worker thread while the loop serves other requests, then
runs every job queued by then in one transaction on the loop thread, each inside a
savepoint when there are several: a job that raises has its own writes undone and gets its
exception back, the others commit together. Jobs are plain synchronous functions of a
connection and never await, so nothing else runs on the loop while the transaction is open.

The order of jobs is the order they were queued; the change feed's sequence numbers and
the audit chain follow it as they follow the commit order of single transactions.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection

if TYPE_CHECKING:
    from zivverdesk.relay.db.engine import Database

T = TypeVar("T")
_Job = Callable[[Connection], Any]

_BATCHERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, WriteBatcher]] = (
    weakref.WeakKeyDictionary()
)


def batcher_for(db: Database) -> WriteBatcher:
    """The batcher of `db` for the running event loop (one queue per loop and database)."""
    loop = asyncio.get_running_loop()
    per_loop = _BATCHERS.setdefault(loop, {})
    batcher = per_loop.get(id(db))
    if batcher is None or batcher.db is not db:
        batcher = per_loop[id(db)] = WriteBatcher(db)
    return batcher


class WriteBatcher:
    # It holds no reference to its loop: `_BATCHERS` keys on the loop weakly, and a value
    # that referred to its key would keep every finished loop alive.
    def __init__(self, db: Database) -> None:
        self.db = db
        self._queue: list[tuple[_Job, asyncio.Future[Any]]] = []
        self._flushing = False
        self._flusher: asyncio.Task[None] | None = None
        # The largest batch so far, for tests (the relay does not read it).
        self.largest_batch = 0

    async def run(self, job: Callable[[Connection], T]) -> T:
        if not self._flushing and self.db._try_cross_process_lock():
            # Nothing queued and the lock is free: write now, as `Database.write` would.
            self.largest_batch = max(self.largest_batch, 1)
            with self.db._write_with_lock_held() as conn:
                return job(conn)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._queue.append((job, future))
        if not self._flushing:
            self._flushing = True
            self._flusher = loop.create_task(self._flush())  # referenced while it runs
        return await future

    async def _flush(self) -> None:
        try:
            while self._queue:
                if not self.db._try_cross_process_lock():
                    await self._wait_for_lock()
                batch, self._queue = self._queue, []
                self._commit(batch)
        except BaseException as exc:
            # Whatever stopped the flush (the loop shutting down, a lock file that cannot be
            # locked), no handler may be left waiting for an answer.
            for _job, future in self._queue:
                if future.done():
                    continue
                if isinstance(exc, Exception):
                    future.set_exception(exc)
                else:
                    future.cancel()
            self._queue = []
            if not isinstance(exc, Exception):
                raise
        finally:
            self._flushing = False

    async def _wait_for_lock(self) -> None:
        waiting = asyncio.get_running_loop().run_in_executor(None, self.db._wait_cross_process_lock)
        try:
            await asyncio.shield(waiting)
        except asyncio.CancelledError:
            # The thread still gets the lock; let go of it then, or every other relay
            # process would wait for this one forever.
            waiting.add_done_callback(self._release_when_got)
            raise

    def _release_when_got(self, waiting: asyncio.Future[None]) -> None:
        if not waiting.cancelled() and waiting.exception() is None:
            self.db._release_cross_process_lock()

    def _commit(self, batch: list[tuple[_Job, asyncio.Future[Any]]]) -> None:
        """Run `batch` in one transaction (the cross-process lock is held and released here)."""
        self.largest_batch = max(self.largest_batch, len(batch))
        outcomes: list[tuple[asyncio.Future[Any], bool, Any]] = []
        try:
            with self.db._write_with_lock_held() as conn:
                if len(batch) == 1:  # no savepoint needed: a failure undoes the transaction
                    job, future = batch[0]
                    outcomes.append((future, True, job(conn)))
                else:
                    self._run_each(conn, batch, outcomes)
        except Exception as exc:  # noqa: BLE001 - handed to the handler(s) waiting
            if len(batch) == 1 and not outcomes:  # the job itself raised; nothing was written
                outcomes.append((batch[0][1], False, exc))
            else:  # the commit failed: nothing was written
                for _job, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                return
        except BaseException:  # an interrupt: nothing was written, and no handler may hang
            for _job, future in batch:
                future.cancel()
            raise
        for future, ok, value in outcomes:
            if future.done():  # the waiting request was cancelled (client gone)
                continue
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

    @staticmethod
    def _run_each(
        conn: Connection,
        batch: list[tuple[_Job, asyncio.Future[Any]]],
        outcomes: list[tuple[asyncio.Future[Any], bool, Any]],
    ) -> None:
        """Each job in a savepoint of its own, so that one that raises is undone alone."""
        driver = conn.connection.driver_connection
        assert driver is not None
        for job, future in batch:
            driver.execute("SAVEPOINT zv_job")
            try:
                result = job(conn)
            except Exception as exc:  # noqa: BLE001 - the job's own handler raises it
                driver.execute("ROLLBACK TO zv_job")
                driver.execute("RELEASE zv_job")
                outcomes.append((future, False, exc))
            else:
                driver.execute("RELEASE zv_job")
                outcomes.append((future, True, result))

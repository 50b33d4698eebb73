"""Engine, transactions and migrations for SQLite (WAL) and PostgreSQL (psycopg).

Every write transaction is serialized: on SQLite by `BEGIN IMMEDIATE`, on PostgreSQL by a
transaction-scoped advisory lock taken first thing. That keeps the change feed's sequence
numbers in commit order (a reader never skips an event that commits late), keeps the audit
hash chain linear, and makes counters (attempts, lockouts, rate limits) exact when several
relay processes share one PostgreSQL. Reads are not serialized.

Handlers on an event loop write through `run_write` (batched on SQLite, `db.batch`); the
`read()`/`write()` context managers serve everything else.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from zivverdesk.core.errors import ZivverdeskError

T = TypeVar("T")

# Arbitrary constants that name this application's advisory locks in PostgreSQL.
_WRITE_LOCK = 0x5A564401
_MIGRATE_LOCK = 0x5A564402
_MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

# A kept PostgreSQL connection left unused this long goes back to the pool before its next
# transaction, and the pool's liveness check (pre-ping) replaces it if a server restart or
# an idle timeout broke it meanwhile. Under load a kept connection is used many times a
# second and never pays for that check (a round trip per transaction otherwise).
_KEPT_IDLE_SECONDS = 2.0


class DatabaseError(ZivverdeskError):
    """The relay database cannot be reached or prepared."""

    code = "database"


class Database:
    """The relay's engine with `read()` and `write()` transaction helpers."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = _normalise_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        self._sqlite_writer = threading.Lock()
        self._lock_fd: int | None = None
        self._write_lock_file = Path(make_url(self.url).database or "relay").with_suffix(
            ".write-lock"
        )
        if self.is_sqlite:
            self.engine = _sqlite_engine(self.url, pool_size)
        else:
            self.engine = create_engine(
                self.url, pool_size=pool_size, max_overflow=40, pool_pre_ping=True
            )
        # Same pool; the option is set once instead of per read. On SQLite it makes the
        # BEGIN a plain (deferred) one. PostgreSQL reads run in autocommit: at its READ
        # COMMITTED isolation each statement sees a fresh snapshot inside a transaction
        # too, so BEGIN and COMMIT would only add two round trips to every read.
        self._read_engine = self.engine.execution_options(
            **({"zv_read": True} if self.is_sqlite else {"isolation_level": "AUTOCOMMIT"})
        )
        self._residents = threading.local()
        self._lazy_lock = threading.Lock()  # guards what is made on first use
        self._all_residents: list[_Resident] = []

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction (deferred on SQLite: readers never wait for writers in WAL)."""
        with self._transaction("read") as conn:
            yield conn

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """A serialized write transaction; commits on success, rolls back on any error."""
        if self.is_sqlite:
            # Writers queue on a lock of this process and then on a file lock shared with
            # other relay processes on the same folder. Left to SQLite, every waiting writer
            # would poll the database lock with sleeps of up to 100 ms (its busy handler).
            with (
                self._sqlite_writer,
                self._cross_process_lock(),
                self._transaction("write") as conn,
            ):
                yield conn
        else:
            with self._transaction("write") as conn:
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _WRITE_LOCK})
                yield conn

    def _resident(self, kind: str) -> _Resident | None:
        """The connection this thread keeps for `kind` transactions, on a thread that runs
        an event loop (the relay's request handlers); None elsewhere, or while this thread's
        one is in use (a transaction opened inside another of its kind).

        Taking a pooled connection and wrapping it in a new `Connection` costs ~25 µs per
        transaction, and a recipient visit runs five; a kept one only begins and commits.
        On PostgreSQL the pool also checks each connection it hands out with a round trip;
        a kept one is checked only after it sat unused (`_KEPT_IDLE_SECONDS`)."""
        if asyncio._get_running_loop() is None:
            return None
        resident: _Resident | None = getattr(self._residents, kind, None)
        if (
            resident is not None
            and not self.is_sqlite
            and not resident.busy
            and time.monotonic() - resident.last_used > _KEPT_IDLE_SECONDS
        ):
            resident.conn.close()  # back to the pool, which checks it on the next checkout
        if resident is None or resident.conn.closed:
            engine = self._read_engine if kind == "read" else self.engine
            fresh = _Resident(engine.connect())
            setattr(self._residents, kind, fresh)
            with self._lazy_lock:
                if resident is not None:
                    self._all_residents.remove(resident)
                self._all_residents.append(fresh)
            resident = fresh
        return None if resident.busy else resident

    async def run_write(self, job: Callable[[Connection], T]) -> T:
        """`job(conn)` in a serialized write transaction, from a coroutine: on SQLite the
        event loop goes on serving other requests while the write waits for its turn, and
        jobs that queue up meanwhile commit together (`db.batch`). A job's exception is
        raised here, and its writes are undone without touching the others'."""
        if not self.is_sqlite:
            with self.write() as conn:
                return job(conn)
        from zivverdesk.relay.db.batch import batcher_for

        return await batcher_for(self).run(job)

    @contextlib.contextmanager
    def _cross_process_lock(self) -> Iterator[None]:
        self._wait_cross_process_lock()
        try:
            yield
        finally:
            self._release_cross_process_lock()

    # The cross-process write lock: a `flock` on a file next to the database. All threads of
    # this process share one descriptor, and a lock belongs to the descriptor, so a thread
    # of this process never waits for another one here (the thread lock orders them).
    # SQLite's own locking keeps writes correct whatever this lock does; it only makes
    # writers queue instead of polling.

    def _try_cross_process_lock(self) -> bool:
        if sys.platform == "win32":  # pragma: no cover - SQLite's own locking suffices there
            return True
        import fcntl

        try:
            fcntl.flock(self._write_lock_fd(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _wait_cross_process_lock(self) -> None:
        if sys.platform == "win32":  # pragma: no cover
            return
        import fcntl

        fcntl.flock(self._write_lock_fd(), fcntl.LOCK_EX)

    def _release_cross_process_lock(self) -> None:
        if sys.platform == "win32":  # pragma: no cover
            return
        import fcntl

        fcntl.flock(self._write_lock_fd(), fcntl.LOCK_UN)

    def _write_lock_fd(self) -> int:
        if self._lock_fd is None:
            with self._lazy_lock:
                if self._lock_fd is None:
                    self._lock_fd = os.open(self._write_lock_file, os.O_RDWR | os.O_CREAT, 0o600)
        return self._lock_fd

    @contextlib.contextmanager
    def _write_with_lock_held(self) -> Iterator[Connection]:
        """A write transaction for a caller that holds the cross-process lock (the batch
        writer); releases it at the end."""
        try:
            with self._sqlite_writer, self._transaction("write") as conn:
                yield conn
        finally:
            self._release_cross_process_lock()

    @contextlib.contextmanager
    def _transaction(self, kind: str) -> Iterator[Connection]:
        """A `kind` ("read" or "write") transaction on this thread's kept connection where
        it has one (`_resident`), else on one from the pool."""
        resident = self._resident(kind)
        if resident is not None:
            with resident.transaction() as conn:
                yield conn
            return
        engine = self._read_engine if kind == "read" else self.engine
        with engine.connect() as conn, conn.begin():
            yield conn

    def migrate(self, *, lock_dir: Path | None = None) -> None:
        """Bring the schema to the newest version; safe when several processes start at once."""
        try:
            if self.is_sqlite:
                lock = _file_lock((lock_dir or Path()) / "migrate.lock")
                with lock, self.engine.connect() as conn:
                    _upgrade(conn)
                    conn.commit()
            else:
                with self.engine.connect() as conn:
                    conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _MIGRATE_LOCK})
                    try:
                        _upgrade(conn)
                        conn.commit()
                    finally:
                        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _MIGRATE_LOCK})
                        conn.commit()
        except OperationalError as exc:
            raise DatabaseError(f"The database cannot be prepared: {exc.orig}") from exc

    def check(self) -> None:
        try:
            with self.read() as conn:
                conn.execute(text("SELECT 1"))
        except OperationalError as exc:
            raise DatabaseError(f"The database cannot be reached: {exc.orig}") from exc

    def dispose(self) -> None:
        with self._lazy_lock:
            residents, self._all_residents = self._all_residents, []
        for resident in residents:
            resident.conn.close()
        self.engine.dispose()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


class _Resident:
    """A connection a thread keeps between its transactions (`Database._resident`)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.busy = False
        self.last_used = time.monotonic()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        self.busy = True
        try:
            with self.conn.begin():
                yield self.conn
        except DBAPIError:
            # The database refused something: start the next transaction on a fresh
            # connection rather than reason about this one's state.
            self.conn.close()
            raise
        finally:
            self.busy = False
            self.last_used = time.monotonic()


def _normalise_url(url: str) -> str:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"The database address is not valid: {exc}") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_engine(url: str, pool_size: int) -> Engine:
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        pool_size=pool_size,
        max_overflow=40,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite's own
        # transaction handling would defer and then fail to upgrade to a write lock).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        read_only = conn.get_execution_options().get("zv_read", False)
        # Straight on the driver's connection: every request begins a transaction or two,
        # and a statement through SQLAlchemy's execution machinery costs ~10x the BEGIN.
        conn.connection.driver_connection.execute(  # type: ignore[union-attr]
            "BEGIN" if read_only else "BEGIN IMMEDIATE"
        )

    return engine


def _upgrade(conn: Connection) -> None:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["connection"] = conn
    command.upgrade(config, "head")


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as fh:
        if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
            import msvcrt

            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

"""The SQLite connection of a profile: WAL, one writer, atomic transactions.

The store is used from the GUI's worker threads and from the sync loop at once. SQLite
allows one writer at a time anyway; one shared connection behind a lock makes that explicit
and avoids `database is locked` retries. Reads are short (indexed), so they share the lock.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from zivverdesk.store.migrations import migrate
from zivverdesk.store.sealing import ColumnCipher, StoreCorrupt

log = logging.getLogger(__name__)

DB_FILE_NAME = "zivverdesk.sqlite3"
_KEY_CHECK = b"zivverdesk store key check v1"


def utc_now() -> str:
    """Timestamps are RFC 3339 UTC strings with seconds ("2026-01-31T12:00:00Z")."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Database:
    """One connection, one lock and the column cipher of a profile's store."""

    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        self.cipher = ColumnCipher(key)
        self._lock = threading.RLock()
        self._depth = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so nothing commits behind
        # our back (the sqlite3 module's implicit transactions would).
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = NORMAL")
        self._conn.execute("PRAGMA foreign_keys = ON")
        # Sorting and temp tables stay in memory: a temp file could hold decrypted values.
        self._conn.execute("PRAGMA temp_store = MEMORY")
        self._conn.execute("PRAGMA secure_delete = ON")
        try:
            migrate(self._conn)
            self._check_key()
        except BaseException:
            self._conn.close()
            raise

    def _check_key(self) -> None:
        row = self._conn.execute("SELECT value FROM store_meta WHERE key = 'key_check'").fetchone()
        if row is None:
            sealed = self.cipher.seal(_KEY_CHECK, label="store_meta.key_check", row="")
            self._conn.execute(
                "INSERT INTO store_meta (key, value) VALUES ('key_check', ?)", (sealed,)
            )
        elif self.cipher.open(row["value"], label="store_meta.key_check", row="") != _KEY_CHECK:
            raise StoreCorrupt("The store's key check does not match.")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; nested calls join the outer one."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._conn
                finally:
                    self._depth -= 1
                return
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self._conn
            except BaseException:
                self._depth = 0
                self._conn.execute("ROLLBACK")
                raise
            self._depth = 0
            self._conn.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Several reads that see one state of the store: nothing written in this process or
        committed by another in between shows in some of them and not in others."""
        with self._lock:
            if self._depth:  # a write transaction is one state already
                yield
                return
            self._conn.execute("BEGIN DEFERRED")
            try:
                yield
            finally:
                if self._conn.in_transaction:  # an error may have ended it already
                    self._conn.execute("COMMIT")

    def wipe_freed_pages(self) -> bool:
        """Make what was just deleted unrecoverable from the profile's files.

        `secure_delete` zeroes deleted rows in the database file, but in WAL mode the pages
        as they were before the delete stay in the write-ahead log until it is checkpointed,
        and a checkpoint alone leaves the log file's old frames in place to be reused. A
        TRUNCATE checkpoint copies the log into the database and cuts the log to zero bytes.
        Call it after the deleting transaction. Returns False when the log could not be
        emptied now — inside a caller's transaction, or while another connection (another
        zivverdesk process on this profile) was reading; SQLite empties it when the last
        connection closes."""
        with self._lock:
            if self._depth:
                return False  # a checkpoint cannot run inside a transaction
            busy, _frames, _copied = self._conn.execute(
                "PRAGMA wal_checkpoint(TRUNCATE)"
            ).fetchone()
            if busy:
                log.warning("store: the write-ahead log is in use and is emptied later")
            return not busy

    def query(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def query_values(
        self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()
    ) -> list[tuple[Any, ...]]:
        """Like `query`, with each row a plain tuple: cheaper where a list reads thousands of
        rows and unpacks them by position."""
        with self._lock:
            cursor = self._conn.cursor()
            cursor.row_factory = None
            rows: list[tuple[Any, ...]] = cursor.execute(sql, params).fetchall()
            return rows

    def query_one(
        self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()
    ) -> sqlite3.Row | None:
        with self._lock:
            row: sqlite3.Row | None = self._conn.execute(sql, params).fetchone()
            return row

    def execute(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> int:
        """One write statement in its own transaction (or the caller's); returns rowcount."""
        with self.transaction() as conn:
            return conn.execute(sql, params).rowcount

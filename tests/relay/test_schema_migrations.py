"""The Alembic migrations build exactly the tables and indexes `relay/db/schema.py`
declares, on SQLite and on PostgreSQL: a column or index added to one but not the other
(such as an index that only the code knows about) fails here, not in production."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from zivverdesk.relay.db.engine import Database
from zivverdesk.relay.db.schema import metadata


def _differences(url: str, lock_dir: Path) -> list[object]:
    db = Database(url, pool_size=1)
    try:
        db.migrate(lock_dir=lock_dir)
        with db.engine.connect() as conn:
            # Types are declared through a TypeDecorator (UTC datetimes) that the database
            # reports as its plain type, so only tables, columns and indexes are compared.
            context = MigrationContext.configure(conn, opts={"compare_type": False})
            return list(compare_metadata(context, metadata))
    finally:
        db.dispose()


def test_migrations_match_the_schema_on_sqlite(tmp_path: Path) -> None:
    assert _differences(f"sqlite:///{tmp_path / 'relay.sqlite3'}", tmp_path) == []


@pytest.mark.postgres
def test_migrations_match_the_schema_on_postgresql(postgres_database: str, tmp_path: Path) -> None:
    assert _differences(postgres_database, tmp_path) == []

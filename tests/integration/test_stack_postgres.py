"""The throw-away PostgreSQL cluster: a fresh database per test and a real round trip."""

from __future__ import annotations

import psycopg
import pytest

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


def test_round_trip_keeps_text_and_bytes(postgres_database: str) -> None:
    blob = bytes(range(256)) * 64
    with psycopg.connect(postgres_database) as conn:
        conn.execute("CREATE TABLE envelope (id serial PRIMARY KEY, subject text, body bytea)")
        conn.execute(
            "INSERT INTO envelope (subject, body) VALUES (%s, %s)", ("Uw dossier — José ✓", blob)
        )
        conn.commit()
    with psycopg.connect(postgres_database) as conn:
        row = conn.execute("SELECT subject, body FROM envelope").fetchone()
        server_encoding = conn.execute("SHOW server_encoding").fetchone()
    assert row == ("Uw dossier — José ✓", blob)
    assert server_encoding == ("UTF8",)


def test_each_test_gets_an_empty_database_of_its_own(
    postgres_database: str, postgres_url: str
) -> None:
    with psycopg.connect(postgres_database) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
        name = conn.execute("SELECT current_database()").fetchone()
    assert tables == (0,)
    assert name is not None
    assert name[0].startswith("test_")
    assert postgres_database != postgres_url


def test_cluster_listens_on_loopback_only(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as conn:
        listen = conn.execute("SHOW listen_addresses").fetchone()
        fsync = conn.execute("SHOW fsync").fetchone()
    assert listen == ("127.0.0.1",)
    assert fsync == ("off",)

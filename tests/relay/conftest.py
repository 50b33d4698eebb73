"""Relay tests: `relay` is a real relay process, once on SQLite and once on PostgreSQL."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.plugins.relay import EnrolledDevice, RelayProcess
from tests.plugins.servicelogs import register_logs, unregister_logs
from tests.relay.helpers import unique_email

SMALL_LIMITS: dict[str, dict[str, Any]] = {
    "office": {
        "name": "Testkantoor",
        "contact_email": "balie@example.test",
        "starter_slug": "test",
    },
    "limits": {"max_message_size": 64 * 1024 * 1024},
}


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def relay(request: pytest.FixtureRequest) -> Iterator[RelayProcess]:
    """A relay shared by the tests of one module, on SQLite and on PostgreSQL."""
    database = None
    cluster = None
    if request.param == "postgres":
        cluster = request.getfixturevalue("postgres_cluster")
        database = cluster.create_database()
    with tempfile.TemporaryDirectory(prefix="zv-relay-") as tmp:
        sms_file = Path(tmp) / "sms.jsonl"
        settings = {**SMALL_LIMITS, "sms": {"gateway": "file", "file": str(sms_file)}}
        process = RelayProcess(Path(tmp) / "data", database=database, settings=settings)
        process.sms_file = sms_file  # type: ignore[attr-defined]
        register_logs(request.config, "relay", {"relay": process.log_file})
        process.start()
        try:
            yield process
        finally:
            process.stop()
            unregister_logs(request.config, "relay")
            if cluster is not None and database is not None:
                cluster.drop_database(database)


@pytest.fixture
def alice(relay: RelayProcess) -> EnrolledDevice:
    return relay.enroll_device(unique_email("alice"), "Alice de Vries")


@pytest.fixture
def bob(relay: RelayProcess) -> EnrolledDevice:
    return relay.enroll_device(unique_email("bob"), "Bob Jansen")

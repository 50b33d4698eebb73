"""Several relay processes and crashes: two relays on one PostgreSQL behave as one (lockout,
sessions, feed, concurrent migrations), two worker processes on SQLite record concurrent
verifications exactly once, and kill -9 during an upload leaves nothing visible and the
upload resumes where the disk has it."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from tests.plugins.postgres import PostgresCluster
from tests.plugins.relay import RelayFactory, RelayProcess
from tests.relay.helpers import (
    Recipient,
    create_message,
    feed,
    new_id,
    recipient_client,
    unique_email,
    verify,
)
from zivverdesk.relay.db.engine import Database
from zivverdesk.relay.db.schema import audit_log, events


@pytest.fixture
def twin_relays(
    postgres_database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[RelayProcess, RelayProcess]]:
    """Two relay processes on one fresh PostgreSQL database, started at the same moment
    (both run the migrations; the advisory lock makes one wait for the other)."""
    first = RelayProcess(tmp_path / "a", database=postgres_database)
    second = RelayProcess(tmp_path / "b", database=postgres_database)
    errors: list[BaseException] = []

    def start(relay: RelayProcess) -> None:
        try:
            relay.start()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(r,)) for r in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert not errors, errors
        yield first, second
    finally:
        first.stop()
        second.stop()


@pytest.mark.postgres
def test_two_relays_on_one_postgres_behave_as_one(
    twin_relays: tuple[RelayProcess, RelayProcess], postgres_cluster: PostgresCluster
) -> None:
    a, b = twin_relays
    sender = a.enroll_device(unique_email("twin"), "Tweeling")
    msg = create_message(a, sender)
    rec = msg.recipients[0]
    wrong = Recipient(rec.recipient_id, rec.address)
    with recipient_client(a) as on_a, recipient_client(b) as on_b:
        # Attempts are counted across both processes: 3 here, 2 there, then locked.
        for client in (on_a, on_a, on_a, on_b):
            assert verify(client, msg, wrong).status_code == 401
        assert verify(on_b, msg, wrong).status_code == 423
        assert verify(on_a, msg, rec).status_code == 423  # the lockout holds on A as well
    # A session made on one relay works on the other.
    other = create_message(b, sender)
    orec = other.recipients[0]
    with recipient_client(a) as on_a:
        assert verify(on_a, other, orec).status_code == 200
        cookie = on_a.cookies.get("zv_session")
    assert cookie
    with recipient_client(b) as on_b:
        path = f"/api/v1/r/{other.message_id}/{orec.recipient_id}/thread"
        on_b.cookies.set("zv_session", cookie)
        assert on_b.get(path).status_code == 200
    # An event written through B wakes a long-poll waiting on A.
    cursor = feed(a, sender)["next"]
    rid = orec.recipient_id

    def report() -> None:
        time.sleep(0.5)
        httpx.post(
            f"{b.url}/api/v1/messages/{other.message_id}/recipients/{rid}/notification",
            json={"accepted": True},
            headers=sender.headers,
        )

    thread = threading.Thread(target=report)
    thread.start()
    began = time.monotonic()
    answer = feed(a, sender, after=cursor, wait=10)
    thread.join()
    assert [e["kind"] for e in answer["items"]] == ["notification_accepted"]
    assert time.monotonic() - began < 3


@pytest.mark.postgres
def test_a_relay_reconnects_when_postgres_closed_its_kept_connections(
    postgres_database: str, postgres_cluster: PostgresCluster, tmp_path: Path
) -> None:
    """The relay keeps its PostgreSQL connections between requests. When the server ends
    them (a restart, an idle timeout, an administrator), the next visitor after a quiet
    moment is still served, by reads and by writes, and nothing is reported as an error."""
    relay = RelayProcess(tmp_path / "relay", database=postgres_database)
    relay.start()
    try:
        sender = relay.enroll_device(unique_email("kept"), "Kept")
        first, second = create_message(relay, sender), create_message(relay, sender)
        with recipient_client(relay) as client:
            assert verify(client, first, first.recipients[0]).status_code == 200
        import psycopg

        with psycopg.connect(postgres_database, autocommit=True) as admin:
            ended = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()
        assert ended is not None and ended[0] >= 2  # the relay's read and write connections
        time.sleep(2.5)  # longer than a kept connection may sit unchecked
        rec = second.recipients[0]
        with recipient_client(relay) as client:
            assert client.get(f"/api/v1/r/{second.message_id}/{rec.recipient_id}").is_success
            assert verify(client, second, rec).status_code == 200
    finally:
        relay.stop()


def test_two_workers_on_sqlite_record_every_verification_once(
    relay_factory: RelayFactory,
) -> None:
    """Recipients at once on a relay with two worker processes on SQLite, whose writes queue
    and commit in batches: every verification is in the feed and the audit trail exactly
    once, the audit chain verifies, and wrong attempts that arrive together lock the link
    after five, as one after another would."""
    relay = relay_factory(serve_args=["--workers", "2"])
    sender = relay.enroll_device(unique_email("batch"), "Batch")
    people = [Recipient(new_id(), unique_email(f"r{i}")) for i in range(41)]
    msg = create_message(relay, sender, recipients=people)
    target, others = people[0], people[1:]
    wrong = Recipient(target.recipient_id, target.address)  # a different, random auth

    def attempt(rec: Recipient) -> int:
        with recipient_client(relay) as client:  # a new connection: either worker
            return verify(client, msg, rec).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        right = list(pool.map(attempt, others))
        wrong_answers = sorted(pool.map(attempt, [wrong] * 5))
    assert right == [200] * 40
    assert wrong_answers == [401, 401, 401, 401, 423]
    assert attempt(target) == 423  # locked, also for the right code
    db = Database(f"sqlite:///{relay.data_dir / 'relay.sqlite3'}")
    try:
        with db.read() as conn:
            kinds = Counter(
                conn.execute(select(events.c.kind).where(events.c.message_id == msg.message_id))
                .scalars()
                .all()
            )
            verifies = Counter(
                conn.execute(
                    select(audit_log.c.result).where(
                        audit_log.c.message_id == msg.message_id, audit_log.c.event == "verify"
                    )
                )
                .scalars()
                .all()
            )
    finally:
        db.dispose()
    assert kinds["verified"] == kinds["opened"] == 40
    assert kinds["verification_failed"] == 4 and kinds["locked"] == 1
    assert verifies == Counter({"ok": 40, "wrong_code": 4, "locked": 1, "refused_locked": 1})
    assert relay.admin("audit", "verify").stdout.startswith("Audit trail intact")


def test_kill_during_upload_leaves_no_partial_message(relay_factory: RelayFactory) -> None:
    relay = relay_factory()
    sender = relay.enroll_device(unique_email("crash"), "Crash")
    data = os.urandom(24 * 1024 * 1024)
    msg = create_message(relay, sender, blobs=[os.urandom(500), data], upload=False)
    manifest_id, blob_id = msg.blob_ids
    assert httpx.put(
        f"{relay.url}/api/v1/blobs/{manifest_id}",
        content=msg.blobs[manifest_id],
        headers=sender.headers,
    ).json()["complete"]
    half_sent = threading.Event()
    killed = threading.Event()

    def body() -> Iterator[bytes]:
        for offset in range(0, len(data), 1024 * 1024):
            if offset >= 12 * 1024 * 1024:
                half_sent.set()
                killed.wait(30)  # hold the request open until the relay is killed
            yield data[offset : offset + 1024 * 1024]

    outcome: list[object] = []

    def upload() -> None:
        try:
            outcome.append(
                httpx.put(
                    f"{relay.url}/api/v1/blobs/{blob_id}",
                    content=body(),
                    headers={**sender.headers, "Content-Length": str(len(data))},
                    timeout=60,
                )
            )
        except httpx.HTTPError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=upload, daemon=True)
    thread.start()
    assert half_sent.wait(30)
    partial = relay.data_dir / "blobs" / "partial" / blob_id
    deadline = time.monotonic() + 10
    while not (partial.exists() and partial.stat().st_size >= 8 * 1024 * 1024):
        assert time.monotonic() < deadline, "the relay did not store the first part"
        time.sleep(0.05)
    relay.kill()
    killed.set()
    thread.join(timeout=40)
    assert outcome and isinstance(outcome[0], httpx.HTTPError)
    relay.start()
    rec = msg.recipients[0]
    # Nothing is visible: not the message, not the blob, and commit is refused.
    assert httpx.get(f"{relay.url}/api/v1/r/{msg.message_id}/{rec.recipient_id}").status_code == 404
    assert not (relay.data_dir / "blobs" / blob_id[:2] / blob_id).exists()
    commit = httpx.post(
        f"{relay.url}/api/v1/messages/{msg.message_id}/commit", headers=sender.headers
    )
    assert commit.status_code == 409
    # The upload resumes from what reached the disk.
    url = f"{relay.url}/api/v1/blobs/{blob_id}"
    offset = int(httpx.head(url, headers=sender.headers).headers["Upload-Offset"])
    assert 8 * 1024 * 1024 <= offset <= 12 * 1024 * 1024
    rest = httpx.put(
        url,
        content=data[offset:],
        headers={**sender.headers, "Content-Range": f"bytes {offset}-{len(data) - 1}/{len(data)}"},
        timeout=60,
    )
    assert rest.json() == {"received": len(data), "complete": True}
    assert (
        httpx.post(
            f"{relay.url}/api/v1/messages/{msg.message_id}/commit", headers=sender.headers
        ).status_code
        == 200
    )
    with recipient_client(relay) as client:
        assert verify(client, msg, rec).status_code == 200
        got = client.get(f"/api/v1/r/{msg.message_id}/{rec.recipient_id}/blobs/{blob_id}")
        assert hashlib.sha256(got.content).digest() == hashlib.sha256(data).digest()

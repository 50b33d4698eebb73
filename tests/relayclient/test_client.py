"""The relay client against a small fake relay at a real port (the real relay: integration)."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.relayclient.fake_relay import RunningFake, run_fake_relay
from zivverdesk.core.model import new_id
from zivverdesk.core.secret import Secret
from zivverdesk.relayclient.client import RelayClient
from zivverdesk.relayclient.errors import (
    Conflict,
    Gone,
    NotFound,
    RelayUnreachable,
    TransferCancelled,
    Unauthorized,
)
from zivverdesk.relayclient.feed import follow_events
from zivverdesk.relayclient.transfers import download_blob, upload_blob, upload_offset


@pytest.fixture
def fake() -> Iterator[RunningFake]:
    with run_fake_relay() as running:
        yield running


@pytest.fixture
def client(fake: RunningFake) -> Iterator[RelayClient]:
    with RelayClient(fake.url, token=Secret(fake.state.token), timeout=10) as c:
        yield c


def _message_with_blob(client: RelayClient, path: Path) -> tuple[str, str]:
    mid, blob_id = new_id(), new_id()
    data = path.read_bytes()
    answer = client.create_message(
        {
            "message_id": mid,
            "conversation_id": mid,
            "blobs": [
                {"blob_id": blob_id, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            ],
        }
    )
    assert answer["upload"] == {blob_id: f"/api/v1/blobs/{blob_id}"}
    return mid, blob_id


def test_enroll_keeps_the_token_for_later_calls(fake: RunningFake) -> None:
    with RelayClient(fake.url) as anonymous:
        with pytest.raises(Unauthorized):
            anonymous.me()
        enrollment = anonymous.enroll(
            Secret(fake.state.enroll_code), device_name="Werkplek", public_key=bytes(32)
        )
        assert enrollment.token.reveal() == fake.state.token
        assert "Secret('***')" in repr(enrollment)
        assert anonymous.me()["user"]["id"] == "u" * 32
        (colleague,) = anonymous.directory()
        assert colleague.public_keys[0].key_id == "k" * 32


def test_wrong_enrollment_code_is_a_typed_error_with_the_relays_message(fake: RunningFake) -> None:
    with RelayClient(fake.url) as anonymous, pytest.raises(Unauthorized) as caught:
        anonymous.enroll(Secret("nope"), device_name="x", public_key=bytes(32))
    assert "enrollment code is not valid" in str(caught.value)
    assert caught.value.status == 401 and caught.value.error == "unauthorized"


def test_unreachable_relay() -> None:
    with RelayClient("http://127.0.0.1:9", timeout=2) as c, pytest.raises(RelayUnreachable):
        c.me()


def test_upload_in_chunks_with_progress_then_commit_and_download(
    client: RelayClient, fake: RunningFake, tmp_path: Path
) -> None:
    source = tmp_path / "blob.bin"
    source.write_bytes(os.urandom(3 * 1024 * 1024 + 123))
    mid, blob_id = _message_with_blob(client, source)
    with pytest.raises(Conflict):
        client.commit(mid)  # nothing uploaded yet
    seen: list[tuple[int, int]] = []
    upload_blob(
        client, blob_id, source, chunk_size=1024 * 1024, progress=lambda d, t: seen.append((d, t))
    )
    assert bytes(fake.state.blobs[blob_id]) == source.read_bytes()
    assert fake.state.put_count == 4
    assert seen[-1] == (source.stat().st_size, source.stat().st_size)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    client.commit(mid)
    target = tmp_path / "down.bin"
    download_blob(client, blob_id, target)
    assert target.read_bytes() == source.read_bytes()
    assert not (tmp_path / "down.bin.part").exists()


def test_interrupted_upload_resumes_from_the_relays_offset(
    client: RelayClient, fake: RunningFake, tmp_path: Path
) -> None:
    source = tmp_path / "blob.bin"
    source.write_bytes(os.urandom(2 * 1024 * 1024))
    _, blob_id = _message_with_blob(client, source)
    fake.state.fail_puts_after = 300_000  # the first PUT breaks off after ~300 kB
    upload_blob(client, blob_id, source, chunk_size=1024 * 1024)
    assert bytes(fake.state.blobs[blob_id]) == source.read_bytes()
    # 1 broken + 3 to finish (the rest of chunk 1 realigned at the relay's offset)
    assert fake.state.put_count >= 3


def test_cancelled_upload_stops_and_a_later_call_finishes(
    client: RelayClient, fake: RunningFake, tmp_path: Path
) -> None:
    source = tmp_path / "blob.bin"
    source.write_bytes(os.urandom(4 * 1024 * 1024))
    _, blob_id = _message_with_blob(client, source)
    cancel = threading.Event()

    def cancel_at_half(done: int, total: int) -> None:
        if done >= total // 2:
            cancel.set()

    with pytest.raises(TransferCancelled):
        upload_blob(
            client, blob_id, source, chunk_size=1024 * 1024, progress=cancel_at_half, cancel=cancel
        )
    partial = upload_offset(client, blob_id)
    assert 0 < partial < source.stat().st_size
    upload_blob(client, blob_id, source, chunk_size=1024 * 1024)
    assert bytes(fake.state.blobs[blob_id]) == source.read_bytes()


def test_download_resumes_a_part_file(
    client: RelayClient, fake: RunningFake, tmp_path: Path
) -> None:
    source = tmp_path / "blob.bin"
    source.write_bytes(os.urandom(1_000_000))
    _, blob_id = _message_with_blob(client, source)
    upload_blob(client, blob_id, source)
    target = tmp_path / "down.bin"
    (tmp_path / "down.bin.part").write_bytes(source.read_bytes()[:400_000])
    download_blob(client, blob_id, target)
    assert target.read_bytes() == source.read_bytes()


def test_revoked_and_missing_messages(client: RelayClient, tmp_path: Path) -> None:
    source = tmp_path / "b"
    source.write_bytes(b"x" * 100)
    mid, _ = _message_with_blob(client, source)
    client.revoke(mid)
    with pytest.raises(Gone):
        client.get_message(mid)
    with pytest.raises(NotFound):
        client.get_message(new_id())


def test_feed_resumes_after_its_cursor(client: RelayClient, fake: RunningFake) -> None:
    mid = new_id()
    for rid in (new_id(), new_id(), new_id()):
        client.report_notification(mid, rid, accepted=True)
    stop = threading.Event()
    first = []
    for event in follow_events(client, after=None, stop=stop, wait=0):
        first.append(event)
        if len(first) == 2:
            stop.set()
    rest = []
    stop2 = threading.Event()
    for event in follow_events(client, after=first[-1].cursor, stop=stop2, wait=0):
        rest.append(event)
        stop2.set()
    assert [e.recipient_id for e in rest] != [e.recipient_id for e in first[-1:]]
    assert len({e.cursor for e in first + rest}) == 3


def test_feed_long_polls_retries_after_errors_and_stops(
    client: RelayClient, fake: RunningFake
) -> None:
    mid, rid = new_id(), new_id()
    fake.state.fail_events = 2
    stop = threading.Event()
    got = []

    def report_later() -> None:
        with RelayClient(fake.url, token=Secret(fake.state.token)) as other:
            other.report_notification(mid, rid, accepted=True)
            other.report_notification(mid, rid, accepted=False, detail="550 no such user")

    reporter = threading.Thread(target=report_later)
    reporter.start()
    for event in follow_events(client, after=None, stop=stop, wait=5, first_delay=0.05):
        got.append(event)
        if len(got) == 2:
            stop.set()
    reporter.join()
    assert [e.kind for e in got] == ["notification_accepted", "notification_refused"]
    assert fake.state.event_polls >= 3  # two refused polls, then the answered one(s)

"""The relay client against the real relay process (`relay_server`): enroll, directory,
create/upload/commit with resume and cancel, download, notification reports in the feed,
review, rotate and revoke."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.plugins.relay import RelayProcess
from tests.relay.helpers import Recipient, b64, unique_email
from zivverdesk.core.model import new_id
from zivverdesk.core.secret import Secret
from zivverdesk.relayclient.client import RelayClient
from zivverdesk.relayclient.errors import (
    Conflict,
    EnrollmentRefused,
    Gone,
    RelayUnreachable,
    TransferCancelled,
)
from zivverdesk.relayclient.feed import follow_events
from zivverdesk.relayclient.transfers import download_blob, upload_blob, upload_offset

pytestmark = pytest.mark.integration


@pytest.fixture
def client(relay_server: RelayProcess) -> Iterator[RelayClient]:
    with RelayClient(relay_server.url, timeout=20) as anonymous:
        code = relay_server.enrollment_code(unique_email("desk"), "Secretariaat")
        anonymous.enroll(Secret(code), device_name="Werkplek", public_key=os.urandom(32))
        yield anonymous


def _message(client: RelayClient, files: list[Path]) -> tuple[dict[str, Any], list[str]]:
    me = client.me()["user"]["id"]
    (mine,) = [c for c in client.directory() if c.user_id == me]
    key_id = mine.public_keys[0].key_id
    blob_ids = [new_id() for _ in files]
    body = {
        "message_id": new_id(),
        "conversation_id": new_id(),
        "in_reply_to": None,
        "shared": False,
        "blobs": [
            {
                "blob_id": blob_id,
                "size": path.stat().st_size,
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            }
            for blob_id, path in zip(blob_ids, files, strict=True)
        ],
        "sealed": [{"key_id": key_id, "sealed_cek": b64(b"\x01" + os.urandom(86))}],
        "recipients": [Recipient(new_id(), unique_email("ontvanger")).spec()],
    }
    return body, blob_ids


def test_enrollment_me_and_directory(relay_server: RelayProcess) -> None:
    email = unique_email("enrol")
    with RelayClient(relay_server.url) as anonymous:
        # A refused code is told apart from a device the relay no longer knows.
        with pytest.raises(EnrollmentRefused) as refused:
            anonymous.enroll(Secret("WRONG-CODE"), device_name="x", public_key=os.urandom(32))
        assert refused.value.error == "unauthorized" and refused.value.status == 401
        code = relay_server.enrollment_code(email, "Sanne")
        enrollment = anonymous.enroll(Secret(code), device_name="pc", public_key=os.urandom(32))
        assert enrollment.email == email and enrollment.name == "Sanne"
        assert anonymous.me()["user"]["id"] == enrollment.user_id
        assert any(c.email == email for c in anonymous.directory())


def test_upload_resume_cancel_commit_download(client: RelayClient, tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(5 * 1024 * 1024 + 7))
    small = tmp_path / "small.bin"
    small.write_bytes(os.urandom(3000))
    body, (big_id, small_id) = _message(client, [big, small])
    answer = client.create_message(body)
    assert set(answer["upload"]) == {big_id, small_id}
    assert client.create_message(body)["message_id"] == body["message_id"]  # idempotent
    with pytest.raises(Conflict):
        client.commit(body["message_id"])

    cancel = threading.Event()

    def stop_halfway(done: int, total: int) -> None:
        if done >= 2 * 1024 * 1024:
            cancel.set()

    with pytest.raises(TransferCancelled):
        upload_blob(
            client, big_id, big, chunk_size=1024 * 1024, progress=stop_halfway, cancel=cancel
        )
    offset = upload_offset(client, big_id)
    assert 0 < offset < big.stat().st_size
    seen: list[int] = []
    upload_blob(client, big_id, big, chunk_size=1024 * 1024, progress=lambda d, t: seen.append(d))
    assert seen[0] == offset and seen[-1] == big.stat().st_size
    upload_blob(client, small_id, small)
    client.commit(body["message_id"])

    target = tmp_path / "down.bin"
    download_blob(client, big_id, target)
    assert hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(big.read_bytes()).digest()
    info = client.get_message(body["message_id"])
    assert info["message_id"] == body["message_id"]

    client.revoke(body["message_id"])
    with pytest.raises(Gone):
        download_blob(client, big_id, tmp_path / "again.bin")


def test_notification_reports_arrive_in_the_feed(client: RelayClient, tmp_path: Path) -> None:
    blob = tmp_path / "m.bin"
    blob.write_bytes(os.urandom(100))
    body, (blob_id,) = _message(client, [blob])
    client.create_message(body)
    upload_blob(client, blob_id, blob)
    client.commit(body["message_id"])
    rid = body["recipients"][0]["recipient_id"]
    client.report_notification(body["message_id"], rid, accepted=True, detail="250 OK")
    stop = threading.Event()
    kinds = []
    for event in follow_events(client, after=None, stop=stop, wait=5):
        if event.message_id == body["message_id"]:
            kinds.append(event.kind)
            if event.kind == "notification_accepted":
                assert event.recipient_id == rid
                stop.set()
    assert "notification_accepted" in kinds


def test_rotate_and_review(client: RelayClient, tmp_path: Path) -> None:
    blob = tmp_path / "m.bin"
    blob.write_bytes(os.urandom(500))
    body, (blob_id,) = _message(client, [blob])
    body["shared"] = True
    client.create_message(body)
    upload_blob(client, blob_id, blob)
    client.commit(body["message_id"])
    old = body["recipients"][0]
    replacement = Recipient(new_id(), old["address"]).spec()
    rotated = {"new_recipient_id": replacement.pop("recipient_id"), **replacement}
    client.rotate(body["message_id"], old["recipient_id"], rotated)
    recipients = client.get_message(body["message_id"])["recipients"]
    assert rotated["new_recipient_id"] in {r["recipient_id"] for r in recipients}
    me = client.me()["user"]["id"]
    state = client.review(body["conversation_id"], assigned_to=me, reviewed=True)
    assert state["assigned_to"] == me and state["reviewed"]


def test_interrupt_ends_a_long_poll_at_once(client: RelayClient) -> None:
    """Stopping the sync interrupts the feed's long-poll from another thread instead of
    waiting for the relay to answer it; the client refuses further calls."""
    first = client.events(None, wait=0)
    after = first.next or (first.items[-1].cursor if first.items else None)
    outcome: list[BaseException | object] = []

    def long_poll() -> None:
        try:
            outcome.append(client.events(after, wait=20))
        except RelayUnreachable as error:
            outcome.append(error)

    poller = threading.Thread(target=long_poll)
    poller.start()
    poller.join(1.0)  # the relay holds the call: nothing has happened for it to answer
    assert poller.is_alive()
    started = time.monotonic()
    client.interrupt()
    poller.join(5)
    assert not poller.is_alive()
    assert time.monotonic() - started < 1.0
    assert len(outcome) == 1 and isinstance(outcome[0], RelayUnreachable)
    with pytest.raises(RelayUnreachable):  # at once: no new connection is opened
        client.me()

"""Desktop API on a real relay (SQLite and PostgreSQL): enrollment, directory, messages,
uploads, commit, revoke, rotate, notification reports, the feed and team review."""

from __future__ import annotations

import hashlib
import os
import threading
import time

import httpx

from tests.plugins.relay import EnrolledDevice, RelayProcess
from tests.relay.helpers import (
    Recipient,
    b64,
    blob_spec,
    create_message,
    feed,
    kinds_for,
    new_id,
    recipient_client,
    unique_email,
    verify,
)


def test_enrollment_code_is_single_use(relay: RelayProcess) -> None:
    email = unique_email("carla")
    code = __import__("json").loads(relay.admin("add-user", email, "--json").stdout)["code"]
    body = {"code": code, "device_name": "pc", "public_key": b64(os.urandom(32))}
    first = httpx.post(f"{relay.url}/api/v1/enroll", json=body)
    assert first.status_code == 200
    assert first.json()["user"]["email"] == email
    second = httpx.post(f"{relay.url}/api/v1/enroll", json=body)
    assert second.status_code == 401
    assert second.json()["error"] == "unauthorized"


def test_me_and_directory(relay: RelayProcess, alice: EnrolledDevice, bob: EnrolledDevice) -> None:
    me = httpx.get(f"{relay.url}/api/v1/me", headers=alice.headers).json()
    assert me["user"]["id"] == alice.user["id"]
    assert me["office"]["name"] == "Testkantoor"
    items = httpx.get(f"{relay.url}/api/v1/directory", headers=alice.headers).json()["items"]
    entry = next(i for i in items if i["user_id"] == bob.user["id"])
    key = entry["public_keys"][0]
    assert key["key_id"] == bob.key_id
    assert key["public_key"] == b64(bob.public_key)
    assert len(key["fingerprint"].split(" ")) == 10


def test_unknown_and_revoked_tokens(relay: RelayProcess, alice: EnrolledDevice) -> None:
    r = httpx.get(f"{relay.url}/api/v1/me", headers={"Authorization": "Bearer nonsense"})
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"
    relay.admin("revoke-device", alice.key_id)
    r = httpx.get(f"{relay.url}/api/v1/me", headers=alice.headers)
    assert r.status_code == 401 and r.json()["error"] == "revoked"


def test_create_is_idempotent_and_commit_needs_all_blobs(
    relay: RelayProcess, alice: EnrolledDevice, bob: EnrolledDevice
) -> None:
    msg = create_message(relay, alice, upload=False)
    rec = msg.recipients[0]
    commit = httpx.post(
        f"{relay.url}/api/v1/messages/{msg.message_id}/commit", headers=alice.headers
    )
    assert commit.status_code == 409 and commit.json()["error"] == "conflict"
    # Invisible to recipients before commit.
    r = httpx.get(f"{relay.url}/api/v1/r/{msg.message_id}/{rec.recipient_id}")
    assert r.status_code == 404
    # The same create again answers the same upload map; another user cannot take the id.
    body = {
        "message_id": msg.message_id,
        "conversation_id": msg.conversation_id,
        "blobs": [blob_spec(k, v) for k, v in msg.blobs.items()],
    }
    again = httpx.post(f"{relay.url}/api/v1/messages", json=body, headers=alice.headers)
    assert again.status_code == 201
    assert list(again.json()["upload"]) == msg.blob_ids
    other = httpx.post(f"{relay.url}/api/v1/messages", json=body, headers=bob.headers)
    assert other.status_code in (403, 409)
    for blob_id, data in msg.blobs.items():
        httpx.put(f"{relay.url}/api/v1/blobs/{blob_id}", content=data, headers=alice.headers)
    commit = httpx.post(
        f"{relay.url}/api/v1/messages/{msg.message_id}/commit", headers=alice.headers
    )
    assert commit.status_code == 200
    assert (
        httpx.get(f"{relay.url}/api/v1/r/{msg.message_id}/{rec.recipient_id}").json()["state"]
        == "active"
    )


def test_upload_checks_digest_size_and_limit(relay: RelayProcess, alice: EnrolledDevice) -> None:
    msg = create_message(relay, alice, blobs=[b"x" * 4096], upload=False)
    blob_id = msg.blob_ids[0]
    wrong = httpx.put(
        f"{relay.url}/api/v1/blobs/{blob_id}", content=b"y" * 4096, headers=alice.headers
    )
    assert wrong.status_code == 400 and "SHA-256" in wrong.json()["message"]
    longer = httpx.put(
        f"{relay.url}/api/v1/blobs/{blob_id}", content=b"x" * 5000, headers=alice.headers
    )
    assert longer.status_code == 413 and longer.json()["error"] == "too_large"
    body = {
        "message_id": new_id(),
        "conversation_id": new_id(),
        "blobs": [{"blob_id": new_id(), "size": 65 * 1024 * 1024, "sha256": "0" * 64}],
    }
    big = httpx.post(f"{relay.url}/api/v1/messages", json=body, headers=alice.headers)
    assert big.status_code == 413 and big.json()["error"] == "too_large"
    ok = httpx.put(
        f"{relay.url}/api/v1/blobs/{blob_id}", content=b"x" * 4096, headers=alice.headers
    )
    assert ok.json() == {"received": 4096, "complete": True}


def test_resumable_upload(relay: RelayProcess, alice: EnrolledDevice) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    msg = create_message(relay, alice, blobs=[data], upload=False)
    url = f"{relay.url}/api/v1/blobs/{msg.blob_ids[0]}"
    half = len(data) // 2
    first = httpx.put(
        url,
        content=data[:half],
        headers={**alice.headers, "Content-Range": f"bytes 0-{half - 1}/{len(data)}"},
    )
    assert first.json() == {"received": half, "complete": False}
    status = httpx.head(url, headers=alice.headers)
    assert status.headers["Upload-Offset"] == str(half)
    wrong = httpx.put(
        url,
        content=data[10:20],
        headers={**alice.headers, "Content-Range": f"bytes 10-19/{len(data)}"},
    )
    assert wrong.status_code == 409 and wrong.headers["Upload-Offset"] == str(half)
    rest = httpx.put(
        url,
        content=data[half:],
        headers={**alice.headers, "Content-Range": f"bytes {half}-{len(data) - 1}/{len(data)}"},
    )
    assert rest.json() == {"received": len(data), "complete": True}
    commit = httpx.post(
        f"{relay.url}/api/v1/messages/{msg.message_id}/commit", headers=alice.headers
    )
    assert commit.status_code == 200
    down = httpx.get(url, headers=alice.headers)
    assert hashlib.sha256(down.content).digest() == hashlib.sha256(data).digest()
    ranged = httpx.get(url, headers={**alice.headers, "Range": "bytes=100-199"})
    assert ranged.status_code == 206 and ranged.content == data[100:200]


def test_revoke_shreds_keys_and_blobs(relay: RelayProcess, alice: EnrolledDevice) -> None:
    msg = create_message(relay, alice)
    rec = msg.recipients[0]
    r = httpx.post(f"{relay.url}/api/v1/messages/{msg.message_id}/revoke", headers=alice.headers)
    assert r.status_code == 200
    info = httpx.get(f"{relay.url}/api/v1/r/{msg.message_id}/{rec.recipient_id}").json()
    assert info["state"] == "revoked" and info["kdf"] is None
    with recipient_client(relay) as client:
        assert verify(client, msg, rec).status_code == 410
    blob = httpx.get(f"{relay.url}/api/v1/blobs/{msg.blob_ids[0]}", headers=alice.headers)
    assert blob.status_code == 410
    detail = httpx.get(
        f"{relay.url}/api/v1/messages/{msg.message_id}", headers=alice.headers
    ).json()
    assert detail["revoked"] and detail["sealed"] == []
    assert detail["recipients"][0]["state"] == "revoked"
    assert not any((relay.data_dir / "blobs" / b[:2] / b).exists() for b in msg.blob_ids)
    assert "revoked" in kinds_for(relay, alice, msg.message_id)


def test_rotate_kills_the_old_link(relay: RelayProcess, alice: EnrolledDevice) -> None:
    msg = create_message(relay, alice)
    old = msg.recipients[0]
    new = Recipient(new_id(), old.address)
    spec = new.spec()
    body = {
        "new_recipient_id": new.recipient_id,
        **{k: v for k, v in spec.items() if k not in ("recipient_id",)},
    }
    r = httpx.post(
        f"{relay.url}/api/v1/messages/{msg.message_id}/recipients/{old.recipient_id}/rotate",
        json=body,
        headers=alice.headers,
    )
    assert r.status_code == 200, r.text
    with recipient_client(relay) as client:
        gone = verify(client, msg, old)
        assert gone.status_code == 410 and gone.json()["error"] == "gone"
        assert verify(client, msg, new).status_code == 200


def test_notification_report_and_feed(relay: RelayProcess, alice: EnrolledDevice) -> None:
    msg = create_message(relay, alice, shared=False)
    rid = msg.recipients[0].recipient_id
    for accepted in (False, True):
        r = httpx.post(
            f"{relay.url}/api/v1/messages/{msg.message_id}/recipients/{rid}/notification",
            json={"accepted": accepted, "detail": "250 OK"},
            headers=alice.headers,
        )
        assert r.status_code == 200
    kinds = kinds_for(relay, alice, msg.message_id)
    assert kinds == ["notification_refused", "notification_accepted"]
    detail = httpx.get(
        f"{relay.url}/api/v1/messages/{msg.message_id}", headers=alice.headers
    ).json()
    assert detail["recipients"][0]["state"] == "delivered"


def test_long_poll_wakes_on_new_event(relay: RelayProcess, alice: EnrolledDevice) -> None:
    msg = create_message(relay, alice, shared=False)
    start = feed(relay, alice)["next"]
    rid = msg.recipients[0].recipient_id

    def report() -> None:
        time.sleep(0.5)  # the long-poll must already be waiting
        httpx.post(
            f"{relay.url}/api/v1/messages/{msg.message_id}/recipients/{rid}/notification",
            json={"accepted": True},
            headers=alice.headers,
        )

    thread = threading.Thread(target=report)
    began = time.monotonic()
    thread.start()
    answer = feed(relay, alice, after=start, wait=10)
    elapsed = time.monotonic() - began
    thread.join()
    assert [e["kind"] for e in answer["items"]] == ["notification_accepted"]
    assert 0.4 < elapsed < 3
    assert feed(relay, alice, after=answer["next"], wait=0)["items"] == []


def test_team_sharing_and_review(
    relay: RelayProcess, alice: EnrolledDevice, bob: EnrolledDevice
) -> None:
    shared = create_message(relay, alice, shared=True, sealed_for=[alice.key_id, bob.key_id])
    private = create_message(relay, alice, shared=False)
    seen = {e["message_id"] for e in feed(relay, bob)["items"]}
    assert shared.message_id in seen and private.message_id not in seen
    mine = httpx.get(f"{relay.url}/api/v1/messages/{shared.message_id}", headers=bob.headers)
    assert [s["key_id"] for s in mine.json()["sealed"]] == [bob.key_id]
    assert (
        httpx.get(f"{relay.url}/api/v1/blobs/{shared.blob_ids[0]}", headers=bob.headers).status_code
        == 200
    )
    assert (
        httpx.get(
            f"{relay.url}/api/v1/messages/{private.message_id}", headers=bob.headers
        ).status_code
        == 404
    )
    assert (
        httpx.get(
            f"{relay.url}/api/v1/blobs/{private.blob_ids[0]}", headers=bob.headers
        ).status_code
        == 404
    )
    url = f"{relay.url}/api/v1/conversations/{shared.conversation_id}/review"
    state = httpx.put(
        url, json={"assigned_to": bob.user["id"], "reviewed": False}, headers=alice.headers
    ).json()
    assert state["assigned_to"] == bob.user["id"] and not state["reviewed"]
    state = httpx.put(
        url, json={"assigned_to": bob.user["id"], "reviewed": True}, headers=bob.headers
    ).json()
    assert state["reviewed"] and state["reviewed_by"] == bob.user["id"]
    changes = [
        e
        for e in feed(relay, alice)["items"]
        if e["conversation_id"] == shared.conversation_id and e["kind"] == "review_changed"
    ]
    assert len(changes) == 2
    assert (
        httpx.put(
            f"{relay.url}/api/v1/conversations/{private.conversation_id}/review",
            json={"reviewed": True},
            headers=bob.headers,
        ).status_code
        == 404
    )

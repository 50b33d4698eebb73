"""The recipient page's open points on a real relay: an unknown starter page is still a page,
a reply through a newer link of the same person shows under the older link, and the
starter's e-mail code has an attempt limit and a lockout like every other code."""

from __future__ import annotations

import hashlib
import os

import httpx

from tests.plugins.relay import EnrolledDevice, RelayProcess
from tests.relay.helpers import (
    Recipient,
    b64,
    blob_spec,
    create_message,
    new_id,
    recipient_client,
    verify,
)
from tests.relay.test_api_starter import queued_code


def test_unknown_starter_page_is_served_as_a_page(relay: RelayProcess) -> None:
    unknown = httpx.get(f"{relay.url}/start/no-such-office")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("text/html")
    assert "page-starter.js" in unknown.text
    known = httpx.get(f"{relay.url}/start/test")
    assert known.status_code == 200 and "page-starter.js" in known.text
    assert httpx.get(f"{relay.url}/api/v1/start/no-such-office").status_code == 404


def _reply(client: httpx.Client, mid: str, rid: str) -> str:
    base = f"/api/v1/r/{mid}/{rid}"
    reply_id, blob_id, data = new_id(), new_id(), os.urandom(300)
    r = client.post(
        f"{base}/replies", json={"reply_id": reply_id, "blobs": [blob_spec(blob_id, data)]}
    )
    assert r.status_code in (200, 201), r.text
    assert client.put(f"{base}/blobs/{blob_id}", content=data).status_code == 200
    assert client.post(f"{base}/replies/{reply_id}/commit").status_code == 200
    return reply_id


def test_reply_through_a_newer_link_shows_under_the_older_link(
    relay: RelayProcess, alice: EnrolledDevice
) -> None:
    address = f"Klant-{new_id()[:6]}@example.test"
    first = Recipient(new_id(), address)
    stranger = Recipient(new_id(), f"ander-{new_id()[:6]}@example.test")
    msg = create_message(relay, alice, recipients=[first, stranger])
    with recipient_client(relay) as client:
        assert verify(client, msg, first).status_code == 200
        reply1 = _reply(client, msg.message_id, first.recipient_id)
    with recipient_client(relay) as client:
        assert verify(client, msg, stranger).status_code == 200
        stranger_reply = _reply(client, msg.message_id, stranger.recipient_id)
    # The office answers in the thread with a new link for the same person (address in
    # another letter case, as a desktop may write it).
    newer = Recipient(new_id(), address.lower())
    answer_id, answer_blob = new_id(), os.urandom(400)
    body = {
        "message_id": answer_id,
        "conversation_id": msg.conversation_id,
        "in_reply_to": reply1,
        "blobs": [blob_spec(new_id(), answer_blob)],
        "sealed": [{"key_id": alice.key_id, "sealed_cek": b64(b"\x01" + os.urandom(86))}],
        "recipients": [newer.spec()],
    }
    with httpx.Client(base_url=relay.url, headers=alice.headers, timeout=10) as api:
        created = api.post("/api/v1/messages", json=body)
        assert created.status_code == 201, created.text
        (upload,) = created.json()["upload"].values()
        api.put(upload, content=answer_blob)
        assert api.post(f"/api/v1/messages/{answer_id}/commit").status_code == 200
    with recipient_client(relay) as client:
        r = client.post(
            f"/api/v1/r/{answer_id}/{newer.recipient_id}/verify", json={"auth": b64(newer.auth)}
        )
        assert r.status_code == 200, r.text
        reply2 = _reply(client, answer_id, newer.recipient_id)
    with recipient_client(relay) as client:
        verify(client, msg, first)
        items = client.get(f"/api/v1/r/{msg.message_id}/{first.recipient_id}/thread").json()
        ids = [i["message_id"] for i in items["items"]]
        assert ids == [msg.message_id, reply1, answer_id, reply2]
        assert stranger_reply not in ids
        reply2_blob = items["items"][3]["blobs"][0]["blob_id"]
        got = client.get(f"/api/v1/r/{msg.message_id}/{first.recipient_id}/blobs/{reply2_blob}")
        assert got.status_code == 200
    with recipient_client(relay) as client:  # the other recipient still sees only their own
        verify(client, msg, stranger)
        items = client.get(f"/api/v1/r/{msg.message_id}/{stranger.recipient_id}/thread").json()
        assert [i["message_id"] for i in items["items"]] == [msg.message_id, stranger_reply]


def test_starter_code_locks_after_too_many_wrong_codes(relay: RelayProcess) -> None:
    base = f"{relay.url}/api/v1/start/test"
    address = f"raden-{new_id()[:6]}@example.test"
    assert httpx.post(f"{base}/send-code", json={"email": address}).status_code == 200
    code = queued_code(relay, address)
    wrong = "000000" if code != "000000" else "111111"
    body = {
        "email": address,
        "code": wrong,
        "message_id": new_id(),
        "conversation_id": new_id(),
        "sealed": [{"key_id": new_id(), "sealed_cek": b64(b"\x01" + os.urandom(86))}],
        "blobs": [blob_spec(new_id(), b"x" * 100)],
    }
    answers = [httpx.post(f"{base}/messages", json=body) for _ in range(5)]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 423]
    assert [a.json().get("attempts_left") for a in answers[:4]] == [4, 3, 2, 1]
    assert answers[4].json()["locked_until"]
    # While locked, even the right code is refused, and the code is not used up by it.
    locked = httpx.post(f"{base}/messages", json={**body, "code": code})
    assert locked.status_code == 423 and locked.json()["error"] == "locked"
    # Another address is not affected.
    other = f"ander-{new_id()[:6]}@example.test"
    assert httpx.post(f"{base}/send-code", json={"email": other}).status_code == 200
    ok = httpx.post(
        f"{base}/messages",
        json={
            **body,
            "email": other,
            "code": queued_code(relay, other),
            "message_id": new_id(),
            "conversation_id": new_id(),
        },
    )
    assert ok.status_code == 201, ok.text


def test_starter_follow_up_makes_the_starter_an_email_code_recipient(
    relay: RelayProcess, alice: EnrolledDevice
) -> None:
    base = f"{relay.url}/api/v1/start/test"
    address = f"volger-{new_id()[:6]}@example.test"
    assert httpx.post(f"{base}/send-code", json={"email": address}).status_code == 200
    mid, rid, blob_id, data = new_id(), new_id(), new_id(), os.urandom(300)
    auth = os.urandom(32)
    wrapped = b"\x01" + os.urandom(60)
    body = {
        "email": address,
        "name": "Volger",
        "code": queued_code(relay, address),
        "message_id": mid,
        "conversation_id": new_id(),
        "sealed": [{"key_id": alice.key_id, "sealed_cek": b64(b"\x01" + os.urandom(86))}],
        "blobs": [blob_spec(blob_id, data)],
        "follow_up": {
            "recipient_id": rid,
            "verifier": b64(hashlib.sha256(auth).digest()),
            "wrapped_cek": b64(wrapped),
        },
    }
    with httpx.Client(base_url=relay.url, timeout=10) as page:
        assert page.post("/api/v1/start/test/messages", json=body).status_code == 201
        assert page.put(f"/api/v1/start/test/blobs/{blob_id}", content=data).status_code == 200
        # Before the commit the follow-up link does not exist yet.
        assert page.get(f"/api/v1/r/{mid}/{rid}").status_code == 404
        assert page.post(f"/api/v1/start/test/messages/{mid}/commit").status_code == 200
    info = httpx.get(f"{relay.url}/api/v1/r/{mid}/{rid}").json()
    assert info["method"] == "email" and info["masked_email"].endswith("@example.test")
    # The office sees the starter among the message's recipients (to mail the link).
    detail = httpx.get(f"{relay.url}/api/v1/messages/{mid}", headers=alice.headers).json()
    assert [(r["recipient_id"], r["address"]) for r in detail["recipients"]] == [(rid, address)]
    with recipient_client(relay) as client:
        link = f"/api/v1/r/{mid}/{rid}"
        assert client.post(f"{link}/send-code").status_code == 200
        ok = client.post(f"{link}/verify", json={"code": queued_code(relay, address)})
        assert ok.status_code == 200 and ok.json()["wrapped_cek"] == b64(wrapped)
        items = client.get(f"{link}/thread").json()["items"]
        assert [(i["message_id"], i["from"]) for i in items] == [(mid, "recipient")]
    # A recipient id cannot be taken twice.
    assert httpx.post(f"{base}/send-code", json={"email": "x" + address}).status_code == 200
    again = httpx.post(
        f"{base}/messages",
        json={
            **body,
            "email": "x" + address,
            "code": queued_code(relay, "x" + address),
            "message_id": new_id(),
            "conversation_id": new_id(),
        },
    )
    assert again.status_code == 409

"""The conversation starter (S11) on a real relay: office keys, e-mail code, sealed message,
uploads, commit, and the `message_received` event in the office's feed."""

from __future__ import annotations

import os

import httpx
from sqlalchemy import select

from tests.plugins.relay import EnrolledDevice, RelayProcess
from tests.relay.helpers import b64, blob_spec, feed, new_id


def queued_code(relay: RelayProcess, address: str) -> str:
    from zivverdesk.relay.db.engine import Database
    from zivverdesk.relay.db.schema import mail_queue

    db = Database(relay.database or f"sqlite:///{relay.data_dir / 'relay.sqlite3'}", pool_size=1)
    try:
        with db.read() as conn:
            rows = conn.execute(
                select(mail_queue.c.subject)
                .where(mail_queue.c.to_address == address)
                .order_by(mail_queue.c.created_at)
            ).all()
    finally:
        db.dispose()
    return str(rows[-1].subject.rsplit(" ", 1)[1])


def test_starter_message_reaches_the_office(
    relay: RelayProcess, alice: EnrolledDevice, bob: EnrolledDevice
) -> None:
    base = f"{relay.url}/api/v1/start/test"
    assert httpx.get(f"{relay.url}/api/v1/start/other").status_code == 404
    info = httpx.get(base).json()
    key_ids = {k["key_id"] for k in info["public_keys"]}
    assert {alice.key_id, bob.key_id} <= key_ids
    assert info["office"]["name"] == "Testkantoor"
    address = f"burger-{new_id()[:6]}@example.test"
    assert httpx.post(f"{base}/send-code", json={"email": address}).status_code == 200
    code = queued_code(relay, address)
    mid, cid, blob_id = new_id(), new_id(), new_id()
    data = os.urandom(2048)
    body = {
        "email": address,
        "code": code,
        "message_id": mid,
        "conversation_id": cid,
        "sealed": [
            {"key_id": k, "sealed_cek": b64(b"\x01" + os.urandom(86))}
            for k in (alice.key_id, bob.key_id)
        ],
        "blobs": [blob_spec(blob_id, data)],
    }
    wrong = httpx.post(
        f"{base}/messages", json={**body, "code": "000000" if code != "000000" else "111111"}
    )
    assert wrong.status_code == 401
    with httpx.Client(base_url=relay.url) as page:
        created = page.post("/api/v1/start/test/messages", json=body)
        assert created.status_code == 201, created.text
        assert page.put(f"/api/v1/start/test/blobs/{blob_id}", content=data).json()["complete"]
        assert page.post(f"/api/v1/start/test/messages/{mid}/commit").status_code == 200
    # The code was single use.
    assert httpx.post(f"{base}/messages", json={**body, "message_id": new_id()}).status_code == 401
    received = [e for e in feed(relay, bob)["items"] if e["message_id"] == mid]
    assert [(e["kind"], e["detail"]) for e in received] == [("message_received", "starter")]
    detail = httpx.get(f"{relay.url}/api/v1/messages/{mid}", headers=bob.headers).json()
    assert detail["kind"] == "starter" and [s["key_id"] for s in detail["sealed"]] == [bob.key_id]
    assert httpx.get(f"{relay.url}/api/v1/blobs/{blob_id}", headers=alice.headers).content == data

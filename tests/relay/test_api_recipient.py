"""Recipient endpoints on a real relay (SQLite and PostgreSQL): link state, verification,
lockout, thread, downloads, replies, SMS codes, and link scanners changing nothing."""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select

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
    verify,
)


def state_of(relay: RelayProcess, device: EnrolledDevice, message_id: str) -> dict[str, Any]:
    detail: dict[str, Any] = httpx.get(
        f"{relay.url}/api/v1/messages/{message_id}", headers=device.headers
    ).json()
    return detail


def test_link_info_shows_no_secrets(relay: RelayProcess, alice: EnrolledDevice) -> None:
    msg = create_message(relay, alice)
    rec = msg.recipients[0]
    info = httpx.get(f"{relay.url}/api/v1/r/{msg.message_id}/{rec.recipient_id}").json()
    assert info["method"] == "access_code" and info["state"] == "active"
    assert info["sender"] == {
        "name": "Alice de Vries",
        "organisation": "Testkantoor",
        "address": alice.user["email"],
    }
    assert info["office"]["contact"]["email"] == "balie@example.test"
    assert info["attempts_left"] == 5 and info["locked_until"] is None
    assert info["kdf"]["iterations"] == 1_200_000
    assert "wrapped_cek" not in json.dumps(info) and "verifier" not in json.dumps(info)
    unknown = httpx.get(f"{relay.url}/api/v1/r/{new_id()}/{new_id()}")
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"


def test_verify_open_download_reply(relay: RelayProcess, alice: EnrolledDevice) -> None:
    msg = create_message(relay, alice, blobs=[os.urandom(800), os.urandom(70_000)])
    rec = msg.recipients[0]
    base = f"/api/v1/r/{msg.message_id}/{rec.recipient_id}"
    with recipient_client(relay) as client:
        assert client.get(f"{base}/thread").status_code == 401
        ok = verify(client, msg, rec)
        assert ok.status_code == 200
        assert ok.json()["wrapped_cek"] == b64(rec.wrapped_cek)
        cookie = ok.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert f"path={base}".lower() in cookie
        thread = client.get(f"{base}/thread").json()["items"]
        assert [t["message_id"] for t in thread] == [msg.message_id]
        assert thread[0]["wrapped_cek"] == b64(rec.wrapped_cek)
        client.get(f"{base}/thread")  # a second look emits no second `opened`
        attachment = msg.blob_ids[1]
        data = client.get(f"{base}/blobs/{attachment}")
        assert data.content == msg.blobs[attachment]
        client.get(f"{base}/blobs/{attachment}")
        # Reply with one blob.
        reply_id, reply_blob = new_id(), os.urandom(3000)
        blob_id = new_id()
        created = client.post(
            f"{base}/replies",
            json={"reply_id": reply_id, "blobs": [blob_spec(blob_id, reply_blob)]},
        )
        assert created.status_code == 201, created.text
        assert client.post(f"{base}/replies/{reply_id}/commit").status_code == 409
        up = client.put(f"{base}/blobs/{blob_id}", content=reply_blob)
        assert up.json()["complete"]
        assert client.post(f"{base}/replies/{reply_id}/commit").status_code == 200
        items = client.get(f"{base}/thread").json()["items"]
        assert [i["from"] for i in items] == ["sender", "recipient"]
        assert items[1]["opened"] is False
    kinds = kinds_for(relay, alice, msg.message_id)
    assert kinds == ["verified", "opened", "downloaded", "replied"]
    detail = state_of(relay, alice, msg.message_id)
    assert detail["recipients"][0]["state"] == "opened"
    assert [r["reply_id"] for r in detail["replies"]] == [reply_id]
    got = httpx.get(f"{relay.url}/api/v1/blobs/{blob_id}", headers=alice.headers)
    assert got.content == reply_blob
    with recipient_client(relay) as client:
        verify(client, msg, rec)
        assert client.get(f"{base}/thread").json()["items"][1]["opened"] is True


def test_wrong_codes_lock_out_with_growing_steps(
    relay: RelayProcess, alice: EnrolledDevice
) -> None:
    msg = create_message(relay, alice)
    rec = msg.recipients[0]
    wrong = Recipient(rec.recipient_id, rec.address)  # same link, another (wrong) auth
    with recipient_client(relay) as client:
        for left in (4, 3, 2, 1):
            r = verify(client, msg, wrong)
            assert r.status_code == 401 and r.json()["attempts_left"] == left
            assert r.json()["error"] == "wrong_code"
        locked = verify(client, msg, wrong)
        assert locked.status_code == 423 and locked.json()["error"] == "locked"
        until = datetime.fromisoformat(locked.json()["locked_until"].replace("Z", "+00:00"))
        minutes = (until - datetime.now(UTC)).total_seconds() / 60
        assert 14 < minutes <= 15
        # The right code is refused while locked.
        assert verify(client, msg, rec).status_code == 423
        info = client.get(f"/api/v1/r/{msg.message_id}/{rec.recipient_id}").json()
        assert info["locked_until"] == locked.json()["locked_until"]
    kinds = kinds_for(relay, alice, msg.message_id)
    assert kinds == ["verification_failed"] * 4 + ["locked"]
    # Every decision is in the audit trail, the refusal while locked too (the sender's feed
    # heard `locked` once).
    exported = json.loads(relay.admin("audit", "export", "--format", "json").stdout)
    results = [
        r["result"]
        for r in exported
        if r["event"] == "verify" and r["recipient_id"] == rec.recipient_id
    ]
    assert results == ["wrong_code"] * 4 + ["locked", "refused_locked"]


def test_forgot_code_tells_the_sender(relay: RelayProcess, alice: EnrolledDevice) -> None:
    msg = create_message(relay, alice)
    rid = msg.recipients[0].recipient_id
    r = httpx.post(f"{relay.url}/api/v1/r/{msg.message_id}/{rid}/forgot")
    assert r.status_code == 200
    events = [
        e
        for e in feed(relay, alice)["items"]
        if e["message_id"] == msg.message_id and e["kind"] != "message_received"
    ]
    assert [(e["kind"], e["detail"]) for e in events] == [("verification_failed", "forgot_code")]


def test_link_scanners_change_nothing(relay: RelayProcess, alice: EnrolledDevice) -> None:
    msg = create_message(relay, alice)
    rec = msg.recipients[0]
    link = f"{relay.url}/m/{msg.message_id}/{rec.recipient_id}"
    before = httpx.get(f"{relay.url}/api/v1/r/{msg.message_id}/{rec.recipient_id}").json()
    for _ in range(3):
        assert httpx.get(link).status_code == 200
        assert httpx.head(link).status_code == 200
        assert httpx.get(link, headers={"Range": "bytes=0-10"}).status_code in (200, 206)
        httpx.get(f"{relay.url}/api/v1/r/{msg.message_id}/{rec.recipient_id}")
        httpx.head(f"{relay.url}/api/v1/r/{msg.message_id}/{rec.recipient_id}")
    after = httpx.get(f"{relay.url}/api/v1/r/{msg.message_id}/{rec.recipient_id}").json()
    assert after == before
    assert kinds_for(relay, alice, msg.message_id) == ["link_fetched"]
    assert state_of(relay, alice, msg.message_id)["recipients"][0]["opened_at"] is None
    # The link still works for the real recipient.
    with recipient_client(relay) as client:
        assert verify(client, msg, rec).status_code == 200


def test_sms_code_single_use_and_resend_limit(relay: RelayProcess, alice: EnrolledDevice) -> None:
    rec = Recipient(new_id(), "piet@example.test", method="sms", phone="0612345678")
    msg = create_message(relay, alice, recipients=[rec])
    base = f"/api/v1/r/{msg.message_id}/{rec.recipient_id}"
    sms_file = relay.sms_file  # type: ignore[attr-defined]
    with recipient_client(relay) as client:
        info = client.get(base).json()
        assert info["method"] == "sms" and info["masked_phone"] == "06 •• •• •• 78"
        sent = client.post(f"{base}/send-code")
        assert sent.status_code == 200 and sent.json()["resend_after"] == 60
        again = client.post(f"{base}/send-code")
        assert again.status_code == 429 and again.json()["error"] == "rate_limited"
        lines = [json.loads(line) for line in sms_file.read_text().splitlines()]
        mine = [line for line in lines if line["to"] == "0612345678"]
        code = mine[-1]["text"].split(": ")[1].split(" ")[0]
        assert len(code) == 6 and code.isdigit()
        wrong = "000000" if code != "000000" else "111111"
        assert client.post(f"{base}/verify", json={"code": wrong}).status_code == 401
        ok = client.post(f"{base}/verify", json={"code": code})
        assert ok.status_code == 200 and ok.json()["wrapped_cek"] == b64(rec.wrapped_cek)
        reused = client.post(f"{base}/verify", json={"code": code})
        assert reused.status_code == 401


def test_email_code_is_queued_and_hashed(relay: RelayProcess, alice: EnrolledDevice) -> None:
    from zivverdesk.relay.db.engine import Database
    from zivverdesk.relay.db.schema import mail_queue, verification_codes

    rec = Recipient(new_id(), f"mail-{new_id()[:6]}@example.test", method="email")
    msg = create_message(relay, alice, recipients=[rec])
    base = f"{relay.url}/api/v1/r/{msg.message_id}/{rec.recipient_id}"
    assert httpx.post(f"{base}/send-code").status_code == 200
    db = Database(relay.database or f"sqlite:///{relay.data_dir / 'relay.sqlite3'}", pool_size=1)
    try:
        with db.read() as conn:
            row = conn.execute(
                select(mail_queue).where(mail_queue.c.to_address == rec.address)
            ).one()
            codes = conn.execute(
                select(verification_codes.c.code_hash).where(
                    verification_codes.c.subject == f"r:{rec.recipient_id}"
                )
            ).all()
    finally:
        db.dispose()
    code = row.subject.rsplit(" ", 1)[1]
    assert code.isdigit() and len(code) == 6
    assert len(codes) == 1 and code.encode() not in codes[0].code_hash
    ok = httpx.post(f"{base}/verify", json={"code": code})
    assert ok.status_code == 200


def test_expired_message(relay: RelayProcess, alice: EnrolledDevice) -> None:
    soon = datetime.fromtimestamp(time.time() + 2, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    msg = create_message(relay, alice, expires_at=soon)
    rec = msg.recipients[0]
    url = f"{relay.url}/api/v1/r/{msg.message_id}/{rec.recipient_id}"
    deadline = time.monotonic() + 10
    while httpx.get(url).json()["state"] != "expired":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    with recipient_client(relay) as client:
        r = verify(client, msg, rec)
        assert r.status_code == 410 and r.json()["error"] == "expired"


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/directory", "/m/x/y", "/nope"])
def test_security_headers_everywhere(relay: RelayProcess, path: str) -> None:
    r = httpx.get(f"{relay.url}{path}")
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "permissions-policy" in r.headers
    assert r.headers["cache-control"] == "no-store"
    assert "server" not in r.headers
    assert "strict-transport-security" not in r.headers  # plain HTTP on loopback
    if r.status_code >= 400:
        assert set(r.json()) >= {"error", "message"}


def test_cross_site_posts_are_refused(relay: RelayProcess, alice: EnrolledDevice) -> None:
    msg = create_message(relay, alice)
    rec = msg.recipients[0]
    url = f"{relay.url}/api/v1/r/{msg.message_id}/{rec.recipient_id}/verify"
    r = httpx.post(url, json={"auth": b64(rec.auth)}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    same = httpx.post(url, json={"auth": b64(rec.auth)}, headers={"Origin": relay.url})
    assert same.status_code == 200


def test_security_txt_and_web_assets(relay: RelayProcess) -> None:
    txt = httpx.get(f"{relay.url}/.well-known/security.txt")
    assert txt.status_code == 200 and "Contact: mailto:balie@example.test" in txt.text
    assert "Expires: " in txt.text
    assets = httpx.get(f"{relay.url}/web-assets.json").json()
    assert assets["algorithm"] == "sha384"
    if "/web/recipient.html" in assets["assets"]:
        page = httpx.get(f"{relay.url}/m/{new_id()}/{new_id()}").text
        for url, integrity in assets["assets"].items():
            if f'src="{url}"' in page or f'href="{url}"' in page:
                assert integrity in page


def test_thread_holds_office_answers_not_other_recipients(
    relay: RelayProcess, alice: EnrolledDevice
) -> None:
    first, second = (Recipient(new_id(), f"p{i}-{new_id()[:4]}@example.test") for i in (1, 2))
    msg = create_message(relay, alice, recipients=[first, second])
    replies = {}
    for rec in (first, second):
        base = f"/api/v1/r/{msg.message_id}/{rec.recipient_id}"
        with recipient_client(relay) as client:
            answer = verify(client, msg, rec).json()
            assert answer["recipient"]["address"] == rec.address
            reply_id, blob_id, data = new_id(), new_id(), os.urandom(500)
            client.post(
                f"{base}/replies", json={"reply_id": reply_id, "blobs": [blob_spec(blob_id, data)]}
            )
            client.put(f"{base}/blobs/{blob_id}", content=data)
            client.post(f"{base}/replies/{reply_id}/commit")
            replies[rec.recipient_id] = reply_id
    # The office answers the first recipient's reply inside the thread.
    answer_id, answer_blob = new_id(), os.urandom(700)
    body = {
        "message_id": answer_id,
        "conversation_id": msg.conversation_id,
        "in_reply_to": replies[first.recipient_id],
        "blobs": [blob_spec(new_id(), answer_blob)],
        "recipients": [],
    }
    api = httpx.Client(base_url=relay.url, headers=alice.headers)
    created = api.post("/api/v1/messages", json=body).json()
    (upload,) = created["upload"].values()
    api.put(upload, content=answer_blob)
    assert api.post(f"/api/v1/messages/{answer_id}/commit").status_code == 200
    base = f"/api/v1/r/{msg.message_id}/{first.recipient_id}"
    with recipient_client(relay) as client:
        verify(client, msg, first)
        items = client.get(f"{base}/thread").json()["items"]
        ids = [i["message_id"] for i in items]
        assert ids == [msg.message_id, replies[first.recipient_id], answer_id]
        assert replies[second.recipient_id] not in ids
        assert "wrapped_cek" in items[0] and "wrapped_cek" not in items[2]
        assert items[2]["opened"] is False
        blob_id = items[2]["blobs"][0]["blob_id"]
        assert client.get(f"{base}/blobs/{blob_id}").content == answer_blob
        other = client.get(f"{base}/thread").json()["items"]
        assert other[2]["opened"] is True  # the recipient's page sees it was opened
    assert api.get(f"/api/v1/messages/{answer_id}").json()["opened_at"] is not None
    api.close()

"""Remembered devices ("Dit apparaat onthouden") on a real relay whose office allows them:
register after a code verification, open a later link to the same address by signing a
single-use challenge, refuse forged or replayed signatures (counted as wrong codes), forget,
expiry, and nothing of it where the office does not allow it."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from sqlalchemy import update

from tests.plugins.relay import EnrolledDevice, RelayProcess
from tests.plugins.servicelogs import register_logs, unregister_logs
from tests.relay.conftest import SMALL_LIMITS
from tests.relay.helpers import (
    Recipient,
    b64,
    create_message,
    feed,
    new_id,
    recipient_client,
    unique_email,
)
from tests.relay.test_api_starter import queued_code


@pytest.fixture(scope="module")
def remembering_relay(request: pytest.FixtureRequest) -> Iterator[RelayProcess]:
    settings = {
        **SMALL_LIMITS,
        "office": {**SMALL_LIMITS["office"], "remember_device": True, "remember_device_days": 7},
    }
    with tempfile.TemporaryDirectory(prefix="zv-relay-remember-") as tmp:
        process = RelayProcess(Path(tmp) / "data", settings=settings)
        register_logs(request.config, "relay", {"relay": process.log_file})
        process.start()
        try:
            yield process
        finally:
            process.stop()
            unregister_logs(request.config, "relay")


@pytest.fixture
def carol(remembering_relay: RelayProcess) -> EnrolledDevice:
    return remembering_relay.enroll_device(unique_email("carol"), "Carol Smit")


def _db_execute(relay: RelayProcess, statement: Any) -> None:
    from zivverdesk.relay.db.engine import Database

    db = Database(relay.database or f"sqlite:///{relay.data_dir / 'relay.sqlite3'}", pool_size=1)
    try:
        with db.write() as conn:
            conn.execute(statement)
    finally:
        db.dispose()


def _p1363(key: ec.EllipticCurvePrivateKey, data: bytes) -> bytes:
    """The signature as WebCrypto makes it: r ‖ s, 32 bytes each."""
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def _spki(key: ec.EllipticCurvePrivateKey) -> str:
    return b64(
        key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


def _email_verify(relay: RelayProcess, client: httpx.Client, mid: str, rec: Recipient) -> None:
    base = f"/api/v1/r/{mid}/{rec.recipient_id}"
    assert client.post(f"{base}/send-code").status_code == 200
    ok = client.post(f"{base}/verify", json={"code": queued_code(relay, rec.address)})
    assert ok.status_code == 200, ok.text


def _signed_open(
    client: httpx.Client,
    mid: str,
    rid: str,
    device_id: str,
    key: ec.EllipticCurvePrivateKey,
) -> httpx.Response:
    base = f"/api/v1/r/{mid}/{rid}"
    got = client.post(f"{base}/device-challenge", json={"device_id": device_id})
    if got.status_code != 200:
        return got
    challenge = got.json()["challenge"]
    raw = unb64(challenge)
    signature = _p1363(key, b"zivverdesk/v1/device" + raw + mid.encode() + rid.encode())
    return client.post(
        f"{base}/device-verify",
        json={"device_id": device_id, "challenge": challenge, "signature": b64(signature)},
    )


def unb64(value: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def test_remembered_device_opens_the_next_message_without_a_code(
    remembering_relay: RelayProcess, carol: EnrolledDevice
) -> None:
    relay = remembering_relay
    address = f"Jan-{new_id()[:6]}@example.test"
    first = Recipient(new_id(), address, method="email")
    msg1 = create_message(relay, carol, recipients=[first])
    key = ec.generate_private_key(ec.SECP256R1())
    with recipient_client(relay) as client:
        base = f"/api/v1/r/{msg1.message_id}/{first.recipient_id}"
        info = client.get(base).json()
        assert info["office"]["remember_device"] is True
        assert info["office"]["remember_device_days"] == 7
        assert info["address_hash"]
        # Registering needs a session.
        refused = client.post(f"{base}/devices", json={"public_key": _spki(key)})
        assert refused.status_code == 401
        _email_verify(relay, client, msg1.message_id, first)
        bad_key = client.post(f"{base}/devices", json={"public_key": b64(b"not a key")})
        assert bad_key.status_code == 400
        registered = client.post(f"{base}/devices", json={"public_key": _spki(key)})
        assert registered.status_code == 201, registered.text
        device_id = registered.json()["device_id"]
        expires = datetime.fromisoformat(registered.json()["expires_at"].replace("Z", "+00:00"))
        assert timedelta(days=6) < expires - datetime.now(UTC) <= timedelta(days=7)
    # The next message to the same address (written in lower case now) opens by signature.
    second = Recipient(new_id(), address.lower(), method="email")
    msg2 = create_message(relay, carol, recipients=[second])
    with recipient_client(relay) as client:
        info = client.get(f"/api/v1/r/{msg2.message_id}/{second.recipient_id}").json()
        assert info["address_hash"] is not None
        opened = _signed_open(client, msg2.message_id, second.recipient_id, device_id, key)
        assert opened.status_code == 200, opened.text
        assert opened.json()["wrapped_cek"] == b64(second.wrapped_cek)
        thread = client.get(f"/api/v1/r/{msg2.message_id}/{second.recipient_id}/thread")
        assert thread.status_code == 200
    verified = [
        e
        for e in feed(relay, carol)["items"]
        if e["message_id"] == msg2.message_id and e["kind"] == "verified"
    ]
    assert [e["detail"] for e in verified] == ["remembered_device"]
    # Another address cannot use this device.
    other = Recipient(new_id(), f"ander-{new_id()[:6]}@example.test", method="email")
    msg3 = create_message(relay, carol, recipients=[other])
    with recipient_client(relay) as client:
        got = _signed_open(client, msg3.message_id, other.recipient_id, device_id, key)
        assert got.status_code == 404
    # Forget: afterwards the device opens nothing.
    with recipient_client(relay) as client:
        session = _signed_open(client, msg2.message_id, second.recipient_id, device_id, key)
        assert session.status_code == 200
        forgot = client.delete(
            f"/api/v1/r/{msg2.message_id}/{second.recipient_id}/devices/{device_id}"
        )
        assert forgot.status_code == 204
        again = _signed_open(client, msg2.message_id, second.recipient_id, device_id, key)
        assert again.status_code == 404


def test_forged_and_replayed_signatures_are_refused(
    remembering_relay: RelayProcess, carol: EnrolledDevice
) -> None:
    relay = remembering_relay
    rec = Recipient(new_id(), f"vals-{new_id()[:6]}@example.test", method="email")
    msg = create_message(relay, carol, recipients=[rec])
    base = f"/api/v1/r/{msg.message_id}/{rec.recipient_id}"
    key = ec.generate_private_key(ec.SECP256R1())
    with recipient_client(relay) as client:
        _email_verify(relay, client, msg.message_id, rec)
        device_id = client.post(f"{base}/devices", json={"public_key": _spki(key)}).json()[
            "device_id"
        ]
    forger = ec.generate_private_key(ec.SECP256R1())
    with recipient_client(relay) as client:
        forged = _signed_open(client, msg.message_id, rec.recipient_id, device_id, forger)
        assert forged.status_code == 401 and forged.json()["error"] == "wrong_code"
        assert forged.json()["attempts_left"] == 4
        assert client.get(f"{base}/thread").status_code == 401
        # A good signature over a challenge that was already answered is refused too.
        challenge = client.post(f"{base}/device-challenge", json={"device_id": device_id})
        raw = unb64(challenge.json()["challenge"])
        data = b"zivverdesk/v1/device" + raw + msg.message_id.encode() + rec.recipient_id.encode()
        body = {
            "device_id": device_id,
            "challenge": challenge.json()["challenge"],
            "signature": b64(_p1363(key, data)),
        }
        assert client.post(f"{base}/device-verify", json=body).status_code == 200
        replay = client.post(f"{base}/device-verify", json=body)
        assert replay.status_code == 401
    failed = [
        e["detail"]
        for e in feed(relay, carol)["items"]
        if e["message_id"] == msg.message_id and e["kind"] == "verification_failed"
    ]
    assert failed == ["bad_device_signature", "bad_device_signature"]


def test_expired_device_is_refused(remembering_relay: RelayProcess, carol: EnrolledDevice) -> None:
    from zivverdesk.relay.db.schema import remembered_devices

    relay = remembering_relay
    rec = Recipient(new_id(), f"oud-{new_id()[:6]}@example.test", method="email")
    msg = create_message(relay, carol, recipients=[rec])
    base = f"/api/v1/r/{msg.message_id}/{rec.recipient_id}"
    key = ec.generate_private_key(ec.SECP256R1())
    with recipient_client(relay) as client:
        _email_verify(relay, client, msg.message_id, rec)
        device_id = client.post(f"{base}/devices", json={"public_key": _spki(key)}).json()[
            "device_id"
        ]
    _db_execute(
        relay,
        update(remembered_devices)
        .where(remembered_devices.c.id == device_id)
        .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)),
    )
    with recipient_client(relay) as client:
        got = _signed_open(client, msg.message_id, rec.recipient_id, device_id, key)
        assert got.status_code == 404 and got.json()["error"] == "not_found"


def test_no_remembering_where_the_office_does_not_allow_it(
    relay: RelayProcess, alice: EnrolledDevice
) -> None:
    rec = Recipient(new_id(), f"nee-{new_id()[:6]}@example.test", method="email")
    msg = create_message(relay, alice, recipients=[rec])
    base = f"/api/v1/r/{msg.message_id}/{rec.recipient_id}"
    key = ec.generate_private_key(ec.SECP256R1())
    with recipient_client(relay) as client:
        info = client.get(base).json()
        assert info["office"]["remember_device"] is False and info["address_hash"] is None
        _email_verify(relay, client, msg.message_id, rec)
        refused = client.post(f"{base}/devices", json={"public_key": _spki(key)})
        assert refused.status_code == 403
        challenge = client.post(f"{base}/device-challenge", json={"device_id": new_id()})
        assert challenge.status_code == 403

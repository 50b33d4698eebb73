"""Helpers for relay tests: build and send messages through the real HTTP API.

Ciphertext here is random bytes unless a test needs real crypto (see the zero-knowledge
test): the relay treats every value as opaque, so the API tests need only the right sizes
and digests. An access-code recipient's `auth` is random and its verifier is SHA-256(auth).
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.plugins.relay import EnrolledDevice, RelayProcess


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def new_id() -> str:
    return secrets.token_hex(16)


@dataclass
class Recipient:
    recipient_id: str
    address: str
    method: str = "access_code"
    phone: str | None = None
    auth: bytes = field(default_factory=lambda: os.urandom(32))
    wrapped_cek: bytes = field(default_factory=lambda: b"\x01" + os.urandom(60))

    def spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "recipient_id": self.recipient_id,
            "address": self.address,
            "name": "Ontvanger",
            "method": self.method,
            "phone": self.phone,
            "verifier": b64(hashlib.sha256(self.auth).digest()),
            "wrapped_cek": b64(self.wrapped_cek),
        }
        if self.method == "access_code":
            spec |= {"code_salt": b64(os.urandom(16)), "kdf_iterations": 1_200_000}
        return spec


@dataclass
class SentMessage:
    message_id: str
    conversation_id: str
    blobs: dict[str, bytes]
    recipients: list[Recipient]

    @property
    def blob_ids(self) -> list[str]:
        return list(self.blobs)


def blob_spec(blob_id: str, data: bytes) -> dict[str, Any]:
    return {"blob_id": blob_id, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def create_message(
    relay: RelayProcess,
    sender: EnrolledDevice,
    *,
    recipients: list[Recipient] | None = None,
    blobs: list[bytes] | None = None,
    shared: bool = True,
    conversation_id: str | None = None,
    sealed_for: list[str] | None = None,
    upload: bool = True,
    commit: bool = True,
    expires_at: str | None = None,
) -> SentMessage:
    recipients = (
        recipients
        if recipients is not None
        else [Recipient(new_id(), f"r-{secrets.token_hex(3)}@example.test")]
    )
    payloads = blobs if blobs is not None else [os.urandom(1000), os.urandom(5000)]
    blob_map = {new_id(): data for data in payloads}
    message = SentMessage(new_id(), conversation_id or new_id(), blob_map, recipients)
    body: dict[str, Any] = {
        "message_id": message.message_id,
        "conversation_id": message.conversation_id,
        "in_reply_to": None,
        "shared": shared,
        "blobs": [blob_spec(k, v) for k, v in blob_map.items()],
        "sealed": [
            {"key_id": k, "sealed_cek": b64(b"\x01" + os.urandom(86))}
            for k in (sealed_for or [sender.key_id])
        ],
        "recipients": [r.spec() for r in recipients],
    }
    if expires_at:
        body["expires_at"] = expires_at
    r = httpx.post(
        f"{relay.url}/api/v1/messages",
        json=body,
        headers=sender.headers,
        timeout=10,
        verify=relay.verify,
    )
    assert r.status_code == 201, r.text
    if upload:
        for blob_id, data in blob_map.items():
            r = httpx.put(
                f"{relay.url}/api/v1/blobs/{blob_id}",
                content=data,
                headers=sender.headers,
                timeout=30,
                verify=relay.verify,
            )
            assert r.status_code == 200 and r.json()["complete"], r.text
    if upload and commit:
        r = httpx.post(
            f"{relay.url}/api/v1/messages/{message.message_id}/commit",
            headers=sender.headers,
            timeout=10,
            verify=relay.verify,
        )
        assert r.status_code == 200, r.text
    return message


def recipient_client(relay: RelayProcess) -> httpx.Client:
    return httpx.Client(base_url=relay.url, timeout=10)


def verify(client: httpx.Client, message: SentMessage, rec: Recipient) -> httpx.Response:
    return client.post(
        f"/api/v1/r/{message.message_id}/{rec.recipient_id}/verify", json={"auth": b64(rec.auth)}
    )


def feed(
    relay: RelayProcess, device: EnrolledDevice, after: str = "0", wait: float = 0
) -> dict[str, Any]:
    r = httpx.get(
        f"{relay.url}/api/v1/events",
        params={"after": after, "wait": wait},
        headers=device.headers,
        timeout=wait + 10,
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def kinds_for(relay: RelayProcess, device: EnrolledDevice, message_id: str) -> list[str]:
    """Event kinds about one message, without the `message_received` of its own commit."""
    return [
        e["kind"]
        for e in feed(relay, device)["items"]
        if e["message_id"] == message_id and e["kind"] != "message_received"
    ]


def unique_email(name: str) -> str:
    return f"{name}-{secrets.token_hex(4)}@example.test"

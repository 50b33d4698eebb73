"""The relay serving HTTPS itself: HSTS on every answer and Secure session cookies."""

from __future__ import annotations

import ipaddress
import ssl
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from tests.plugins.certs import write_self_signed
from tests.plugins.relay import RelayProcess
from tests.relay.helpers import Recipient, b64, blob_spec, new_id, unique_email


def self_signed(folder: Path) -> tuple[Path, Path]:
    return write_self_signed(folder, "127.0.0.1", x509.IPAddress(ipaddress.ip_address("127.0.0.1")))


def test_https_sends_hsts_and_secure_cookies(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    relay = RelayProcess(
        tmp_path / "data", serve_args=["--tls-cert", str(cert), "--tls-key", str(key)]
    )
    relay.start()
    try:
        context = ssl.create_default_context(cafile=str(cert))
        health = httpx.get(f"{relay.url}/healthz", verify=context)
        assert health.headers["strict-transport-security"].startswith("max-age=")
        code = relay.enrollment_code(unique_email("tls"), "TLS")
        public = (
            X25519PrivateKey.generate()
            .public_key()
            .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        )
        with httpx.Client(base_url=relay.url, verify=context) as api:
            enrolled = api.post(
                "/api/v1/enroll",
                json={"code": code, "device_name": "pc", "public_key": b64(public)},
            ).json()
            api.headers["Authorization"] = f"Bearer {enrolled['token']}"
            rec, data, mid, blob_id = (
                Recipient(new_id(), "a@example.test"),
                b"x" * 100,
                new_id(),
                new_id(),
            )
            assert (
                api.post(
                    "/api/v1/messages",
                    json={
                        "message_id": mid,
                        "conversation_id": new_id(),
                        "blobs": [blob_spec(blob_id, data)],
                        "recipients": [rec.spec()],
                    },
                ).status_code
                == 201
            )
            api.put(f"/api/v1/blobs/{blob_id}", content=data)
            assert api.post(f"/api/v1/messages/{mid}/commit").status_code == 200
        with httpx.Client(base_url=relay.url, verify=context) as browser:
            ok = browser.post(
                f"/api/v1/r/{mid}/{rec.recipient_id}/verify", json={"auth": b64(rec.auth)}
            )
            assert ok.status_code == 200
            cookie = ok.headers["set-cookie"].lower()
            assert "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie
            assert "strict-transport-security" in ok.headers
    finally:
        relay.stop()

"""The optional `starter_link_secret` manifest field (PROTOCOL.md §4.2): absent unless set,
canonical when present, and rejected when it is not a 32-byte base64url value."""

from __future__ import annotations

import base64
import os

import pytest

from zivverdesk.crypto.errors import InvalidManifest
from zivverdesk.crypto.manifest import (
    Manifest,
    Sender,
    canonical_json,
    decode_manifest,
    encode_manifest,
    manifest_from_json,
)

SECRET = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()


def _manifest(secret: str | None) -> Manifest:
    return Manifest(
        conversation_id="a" * 32,
        message_id="b" * 32,
        in_reply_to=None,
        sender=Sender(
            name="Burger", organisation="", address="b@example.test", key_fingerprint=None
        ),
        recipients=(),
        subject="Vraag",
        body="Tekst",
        created="2026-01-31T09:30:00Z",
        starter_link_secret=secret,
    )


def test_absent_field_is_not_written() -> None:
    assert b"starter_link_secret" not in encode_manifest(_manifest(None))


def test_present_field_round_trips_canonically() -> None:
    data = encode_manifest(_manifest(SECRET))
    assert data == canonical_json(manifest_from_json(_manifest(SECRET).to_json()).to_json())
    assert decode_manifest(data).starter_link_secret == SECRET


@pytest.mark.parametrize(
    "bad", ["", SECRET[:-1], SECRET + "A", SECRET[:-1] + "B", SECRET[:-1] + "=", 42, None]
)
def test_malformed_secret_is_rejected(bad: object) -> None:
    doc = _manifest(None).to_json() | {"starter_link_secret": bad}
    with pytest.raises(InvalidManifest):
        manifest_from_json(doc)

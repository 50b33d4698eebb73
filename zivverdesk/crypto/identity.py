"""X25519 identity keys of desktop users and their fingerprints (docs/PROTOCOL.md §7.2).

The fingerprint is SHA-256 of the raw 32-byte public key. People compare the first 20 bytes
as 40 hex digits in groups of four; the protocol binds the full 32 bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from zivverdesk.core.secret import Secret
from zivverdesk.crypto.encoding import b64url_decode, b64url_encode
from zivverdesk.crypto.errors import BadEncoding

PUBLIC_KEY_LEN = 32
PRIVATE_KEY_LEN = 32


def fingerprint(public_raw: bytes) -> bytes:
    if len(public_raw) != PUBLIC_KEY_LEN:
        raise BadEncoding("an X25519 public key is 32 bytes")
    return hashlib.sha256(public_raw).digest()


def human_fingerprint(public_raw: bytes) -> str:
    """ "1a2b 3c4d …": 20 bytes of the fingerprint in 10 groups of 4 hex digits."""
    text = fingerprint(public_raw)[:20].hex()
    return " ".join(text[i : i + 4] for i in range(0, 40, 4))


@dataclass(frozen=True, slots=True)
class PublicIdentity:
    """A user's public key as the relay's key directory publishes it."""

    raw: bytes

    def __post_init__(self) -> None:
        if len(self.raw) != PUBLIC_KEY_LEN:
            raise BadEncoding("an X25519 public key is 32 bytes")

    @classmethod
    def from_b64url(cls, text: str) -> PublicIdentity:
        return cls(b64url_decode(text, length=PUBLIC_KEY_LEN, what="public key"))

    def to_b64url(self) -> str:
        return b64url_encode(self.raw)

    def key(self) -> X25519PublicKey:
        return X25519PublicKey.from_public_bytes(self.raw)

    @property
    def fingerprint(self) -> bytes:
        return fingerprint(self.raw)

    @property
    def fingerprint_hex(self) -> str:
        return self.fingerprint.hex()

    @property
    def human_fingerprint(self) -> str:
        return human_fingerprint(self.raw)


class IdentityKeyPair:
    """A private X25519 key; its bytes leave this object only as a `Secret`."""

    __slots__ = ("_private",)

    def __init__(self, private: X25519PrivateKey) -> None:
        self._private = private

    @classmethod
    def generate(cls) -> IdentityKeyPair:
        return cls(X25519PrivateKey.generate())

    @classmethod
    def from_private_bytes(cls, raw: Secret[bytes]) -> IdentityKeyPair:
        if len(raw.reveal()) != PRIVATE_KEY_LEN:
            raise BadEncoding("an X25519 private key is 32 bytes")
        return cls(X25519PrivateKey.from_private_bytes(raw.reveal()))

    def private_bytes(self) -> Secret[bytes]:
        return Secret(
            self._private.private_bytes(
                serialization.Encoding.Raw,
                serialization.PrivateFormat.Raw,
                serialization.NoEncryption(),
            )
        )

    @property
    def private_key(self) -> X25519PrivateKey:
        return self._private

    @property
    def public(self) -> PublicIdentity:
        return PublicIdentity(
            self._private.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
        )

    def __repr__(self) -> str:
        return f"IdentityKeyPair(public={self.public.human_fingerprint!r}, private=***)"

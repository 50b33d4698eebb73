"""Sealing a CEK to a desktop user with HPKE (RFC 9180 base mode; docs/PROTOCOL.md §7).

sealed = 0x01 ‖ kem_id u16 ‖ kdf_id u16 ‖ aead_id u16 ‖ enc ‖ ciphertext. The suite ids
travel with every sealed key, so a post-quantum KEM (X-Wing / ML-KEM-768+X25519, which
`cryptography` already offers) can be added as a second suite without a format break.
`cryptography`'s HPKE has no public AAD parameter; the context (message id and the
recipient's fingerprint) is bound through `info` instead.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from zivverdesk.core.model import is_valid_id
from zivverdesk.crypto.errors import (
    BadEncoding,
    IntegrityError,
    UnsupportedSuite,
    UnsupportedVersion,
)
from zivverdesk.crypto.identity import PublicIdentity, fingerprint

SEAL_VERSION = 1
KEM_X25519_HKDF_SHA256 = 0x0020
KDF_HKDF_SHA256 = 0x0001
AEAD_AES_256_GCM = 0x0002
SUITE_IDS = (
    KEM_X25519_HKDF_SHA256.to_bytes(2, "big")
    + KDF_HKDF_SHA256.to_bytes(2, "big")
    + AEAD_AES_256_GCM.to_bytes(2, "big")
)
ENC_LEN = 32
SEALED_HEADER_LEN = 7
SEALED_CEK_LEN = SEALED_HEADER_LEN + ENC_LEN + 32 + 16  # 87
LABEL_SEAL = b"zivverdesk/v1/seal"

_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)


def seal_info(message_id: str, recipient_public_raw: bytes) -> bytes:
    if not is_valid_id(message_id):
        raise BadEncoding("message id must be 32 lowercase hexadecimal characters")
    return LABEL_SEAL + message_id.encode("ascii") + fingerprint(recipient_public_raw)


def seal_cek(cek: bytes, recipient: PublicIdentity, message_id: str) -> bytes:
    """The CEK sealed so that only `recipient`'s private key opens it."""
    if len(cek) != 32:
        raise ValueError("a CEK is 32 bytes")
    body = _SUITE.encrypt(cek, recipient.key(), info=seal_info(message_id, recipient.raw))
    return bytes([SEAL_VERSION]) + SUITE_IDS + body


def parse_sealed_prefix(sealed: bytes) -> None:
    """Check version, suite and length in the order PROTOCOL.md §7.1 fixes."""
    if len(sealed) < 1:
        raise BadEncoding("the sealed key is empty")
    if sealed[0] != SEAL_VERSION:
        raise UnsupportedVersion("De verzegelde sleutel / The sealed key", sealed[0])
    if len(sealed) < SEALED_HEADER_LEN:
        raise BadEncoding("the sealed key is too short")
    if sealed[1:7] != SUITE_IDS:
        raise UnsupportedSuite("De verzegelde sleutel / The sealed key", sealed[1:7].hex())
    if len(sealed) != SEALED_CEK_LEN:
        raise BadEncoding(f"a sealed key is {SEALED_CEK_LEN} bytes")


def open_sealed_cek(sealed: bytes, private_key: X25519PrivateKey, message_id: str) -> bytes:
    parse_sealed_prefix(sealed)
    public_raw = private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    try:
        return _SUITE.decrypt(
            sealed[SEALED_HEADER_LEN:], private_key, info=seal_info(message_id, public_raw)
        )
    except InvalidTag:
        raise IntegrityError(
            "De sleutel is niet voor deze gebruiker verzegeld of is beschadigd. / "
            "The key was not sealed to this user, or it is damaged."
        ) from None

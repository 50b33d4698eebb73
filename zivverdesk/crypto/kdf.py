"""The two key-derivation functions of the protocol: HKDF-SHA256 and PBKDF2-HMAC-SHA256."""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def hkdf_sha256(ikm: bytes, *, salt: bytes, info: bytes, length: int = 32) -> bytes:
    """RFC 5869 HKDF-SHA256. An empty salt means HashLen zero bytes, as RFC 5869 says."""
    return HKDF(hashes.SHA256(), length, salt or None, info).derive(ikm)


def pbkdf2_sha256(password: bytes, *, salt: bytes, iterations: int, length: int = 32) -> bytes:
    # hashlib's PBKDF2 runs in OpenSSL and releases the GIL; same result as cryptography's.
    return hashlib.pbkdf2_hmac("sha256", password, salt, iterations, length)

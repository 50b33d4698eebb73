"""Strict base64url (RFC 4648 §5, no padding) as the protocol uses it for keys and secrets.

Strict means one text per value: no "=" padding, only the URL-safe alphabet, no whitespace,
and unused trailing bits must be zero. A lenient decoder would accept several spellings of
one link secret, which makes URLs and logs harder to compare and hides damaged links.
"""

from __future__ import annotations

import base64
import binascii
import re

from zivverdesk.crypto.errors import BadEncoding

_ALPHABET_RE = re.compile(r"^[A-Za-z0-9_-]*$")


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str, *, length: int | None = None, what: str = "value") -> bytes:
    """Decode strict unpadded base64url; `length` (bytes), when given, must match exactly."""
    if not _ALPHABET_RE.match(text):
        raise BadEncoding(f"{what} contains characters outside base64url (or padding)")
    if len(text) % 4 == 1:
        raise BadEncoding(f"{what} has an impossible base64url length")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise BadEncoding(f"{what} is not valid base64url") from exc
    if b64url_encode(data) != text:
        raise BadEncoding(f"{what} has non-zero unused bits in its last base64url character")
    if length is not None and len(data) != length:
        raise BadEncoding(f"{what} must be {length} bytes, not {len(data)}")
    return data

"""Column-level encryption of the store: what a stolen laptop's disk must not reveal.

Every sensitive column (subjects, bodies, access codes, attachment names and cached
content, drafts, outbox payloads) holds `version ‖ nonce ‖ AES-256-GCM(ciphertext ‖ tag)`.
The associated data binds each value to its table, column and row, so a value copied into
another row or column fails to decrypt instead of showing up in the wrong place.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from zivverdesk.core.errors import ZivverdeskError

FORMAT_V1 = 0x01
_NONCE_LEN = 12
_AAD_PREFIX = b"zivverdesk/store/v1|"
KEY_LEN = 32


class StoreCorrupt(ZivverdeskError):
    """A stored value does not decrypt: the profile's key is wrong or the file was damaged."""

    code = "store_corrupt"


class ColumnCipher:
    """Encrypts and decrypts single column values under the profile's store key."""

    __slots__ = ("_aead",)

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_LEN:
            raise ValueError("the store key must be 32 bytes")
        self._aead = AESGCM(key)

    @staticmethod
    def _aad(label: str, row: str) -> bytes:
        return _AAD_PREFIX + label.encode("ascii") + b"|" + row.encode("utf-8")

    def seal(self, plaintext: bytes, *, label: str, row: str) -> bytes:
        nonce = os.urandom(_NONCE_LEN)
        return (
            bytes([FORMAT_V1]) + nonce + self._aead.encrypt(nonce, plaintext, self._aad(label, row))
        )

    def open(self, sealed: bytes, *, label: str, row: str) -> bytes:
        if len(sealed) < 1 + _NONCE_LEN + 16 or sealed[0] != FORMAT_V1:
            raise StoreCorrupt(f"A stored value ({label}) has an unknown format.")
        nonce = sealed[1 : 1 + _NONCE_LEN]
        try:
            return self._aead.decrypt(nonce, sealed[1 + _NONCE_LEN :], self._aad(label, row))
        except InvalidTag as exc:
            raise StoreCorrupt(
                f"A stored value ({label}) cannot be decrypted: wrong profile key or a "
                "damaged database."
            ) from exc

    def seal_text(self, text: str, *, label: str, row: str) -> bytes:
        return self.seal(text.encode("utf-8"), label=label, row=row)

    def open_text(self, sealed: bytes, *, label: str, row: str) -> str:
        return self.open(sealed, label=label, row=row).decode("utf-8")

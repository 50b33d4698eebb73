"""Private keys of a profile, in one encrypted file in the profile's data folder.

    keys.zvk = "ZVKS" ‖ 0x01 ‖ keystore_id (16) ‖ nonce (12)
               ‖ AES-256-GCM(KEK, nonce, payload, aad = the first 21 bytes)
    payload  = canonical JSON {"keys": {name: base64url(private key bytes)}}

The 32-byte key-encryption key (KEK) lives in the OS keyring (entry
"keystore-kek/<keystore_id hex>"), so a copy of the profile folder alone opens nothing and
the keyring holds only a small value (Windows Credential Manager's ~2.5 KB limit). Writes go
to a temporary file that replaces keys.zvk atomically.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from keyring.backend import KeyringBackend

from zivverdesk.core.secret import Secret
from zivverdesk.crypto import secrets_store
from zivverdesk.crypto.encoding import b64url_decode, b64url_encode
from zivverdesk.crypto.errors import BadEncoding, KeystoreError
from zivverdesk.crypto.identity import IdentityKeyPair
from zivverdesk.crypto.keyring_backend import choose_backend

FILE_NAME = "keys.zvk"
MAGIC = b"ZVKS"
VERSION = 1
_HEADER_LEN = 4 + 1 + 16
IDENTITY_KEY = "identity/x25519"


class Keystore:
    """Named private keys of one profile. Not thread-safe: use it from one thread."""

    def __init__(self, data_dir: Path, *, backend: KeyringBackend | None = None) -> None:
        self._dir = Path(data_dir)
        self._backend = backend if backend is not None else choose_backend(self._dir)
        self._path = self._dir / FILE_NAME

    @property
    def path(self) -> Path:
        return self._path

    def get(self, name: str) -> Secret[bytes] | None:
        value = self._load()[1].get(name)
        return Secret(value) if value is not None else None

    def put(self, name: str, key: Secret[bytes]) -> None:
        keystore_id, keys, kek = self._load_for_write()
        keys[name] = key.reveal()
        self._save(keystore_id, keys, kek)

    def delete(self, name: str) -> None:
        keystore_id, keys, kek = self._load_for_write()
        if keys.pop(name, None) is not None:
            self._save(keystore_id, keys, kek)

    def names(self) -> list[str]:
        return sorted(self._load()[1])

    def identity(self) -> IdentityKeyPair:
        """This profile's X25519 identity key pair, made and stored on first use."""
        existing = self.get(IDENTITY_KEY)
        if existing is not None:
            return IdentityKeyPair.from_private_bytes(existing)
        pair = IdentityKeyPair.generate()
        self.put(IDENTITY_KEY, pair.private_bytes())
        return pair

    # --- file ---------------------------------------------------------------------

    def _kek_name(self, keystore_id: bytes) -> str:
        return f"keystore-kek/{keystore_id.hex()}"

    def _get_kek(self, keystore_id: bytes) -> bytes | None:
        value = secrets_store.get_secret(
            self._kek_name(keystore_id), data_dir=self._dir, backend=self._backend
        )
        if value is None:
            return None
        try:
            return b64url_decode(value.reveal(), length=32, what="key-encryption key")
        except BadEncoding as exc:
            raise KeystoreError("The key-encryption key in the OS keyring is damaged.") from exc

    def _load(self) -> tuple[bytes, dict[str, bytes], bytes | None]:
        if not self._path.exists():
            return b"", {}, None
        blob = self._path.read_bytes()
        if len(blob) < _HEADER_LEN + 12 + 16 or blob[:4] != MAGIC:
            raise KeystoreError(f"{self._path} is not a zivverdesk key file.")
        if blob[4] != VERSION:
            raise KeystoreError(
                f"{self._path} was written by a newer zivverdesk (version {blob[4]}); update."
            )
        keystore_id = blob[5:_HEADER_LEN]
        kek = self._get_kek(keystore_id)
        if kek is None:
            raise KeystoreError(
                "De sleutels van dit profiel kunnen niet worden geopend: de sleutel in de "
                "sleutelopslag ontbreekt (profiel gekopieerd naar een andere computer of "
                "gebruiker?). / This profile's keys cannot be opened: their key is missing from "
                "the OS keyring (was the profile copied to another computer or user?)."
            )
        nonce = blob[_HEADER_LEN : _HEADER_LEN + 12]
        try:
            payload = AESGCM(kek).decrypt(nonce, blob[_HEADER_LEN + 12 :], blob[:_HEADER_LEN])
        except InvalidTag:
            raise KeystoreError(
                f"Het sleutelbestand {self._path} is beschadigd. / "
                f"The key file {self._path} is damaged or was altered."
            ) from None
        try:
            doc = json.loads(payload)
            keys = {str(k): b64url_decode(str(v)) for k, v in doc["keys"].items()}
        except (ValueError, KeyError, TypeError, AttributeError, BadEncoding) as exc:
            raise KeystoreError(f"The key file {self._path} has an unknown layout.") from exc
        return keystore_id, keys, kek

    def _load_for_write(self) -> tuple[bytes, dict[str, bytes], bytes]:
        keystore_id, keys, kek = self._load()
        if kek is None:  # first write: a new keystore id and a new KEK in the keyring
            keystore_id = secrets.token_bytes(16)
            kek = secrets.token_bytes(32)
            secrets_store.put_secret(
                self._kek_name(keystore_id),
                Secret(b64url_encode(kek)),
                data_dir=self._dir,
                backend=self._backend,
            )
        return keystore_id, keys, kek

    def _save(self, keystore_id: bytes, keys: dict[str, bytes], kek: bytes) -> None:
        header = MAGIC + bytes([VERSION]) + keystore_id
        payload = json.dumps(
            {"keys": {k: b64url_encode(v) for k, v in sorted(keys.items())}},
            separators=(",", ":"),
            sort_keys=True,
        ).encode("utf-8")
        nonce = secrets.token_bytes(12)
        blob = header + nonce + AESGCM(kek).encrypt(nonce, payload, header)
        self._dir.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            fh.write(blob)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(self._path)

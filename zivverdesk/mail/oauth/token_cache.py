"""Where sign-in tokens rest between runs: an encrypted file per account, never plain text.

On Windows the file is protected with DPAPI through `msal-extensions` when it is installed
(the user's Windows login guards it). Elsewhere, and on Windows without it, the file is
AES-256-GCM encrypted under a 32-byte key that lives in the OS keyring (`keyring`): the key
is small enough for Windows Credential Manager's ~2.5 KB limit, the tokens are not.
Losing the keyring entry makes the cache unreadable (`TokenCacheError`): sign in again.

File format (version 1): magic `ZVTC` ‖ version 0x01 ‖ nonce (12 bytes) ‖ AES-256-GCM
ciphertext with tag; the AAD is the 5 header bytes ‖ the file's purpose label, so a file
cannot be swapped for another account's or another kind of file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import importlib
import os
import sys
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.core.secret import Secret
from zivverdesk.crypto.secrets_store import delete_secret, get_secret, put_secret

MAGIC = b"ZVTC"
VERSION = 1
_HEADER = MAGIC + bytes([VERSION])


class TokenCacheError(ZivverdeskError):
    """The token cache cannot be read or written; signing in again repairs it."""

    code = "token_cache"


class SecureFile(Protocol):
    """A small file whose content is only readable by this user on this machine."""

    path: Path

    def read(self) -> bytes | None:
        """The content, or None when nothing was saved yet."""
        ...

    def write(self, data: bytes) -> None: ...

    def delete(self) -> None: ...


class KeyringKey:
    """A 32-byte key in the OS keyring (through `zivverdesk.crypto.secrets_store`, which
    refuses plaintext "keyrings" unless explicitly opted in for tests), created on first
    use. One key per profile folder, so a test profile never shares the real one's key."""

    def __init__(self, profile_dir: Path) -> None:
        self._profile_dir = profile_dir
        # The OS keyring is shared by every profile of the user: name the entry per profile.
        digest = hashlib.sha256(str(profile_dir.resolve()).encode()).hexdigest()[:16]
        self.name = f"oauth-token-cache-key:{digest}"

    def get(self) -> bytes:
        stored = get_secret(self.name, data_dir=self._profile_dir)
        if stored is not None:
            try:
                key = base64.b64decode(stored.reveal(), validate=True)
            except binascii.Error:
                key = b""
            if len(key) == 32:
                return key
            raise TokenCacheError(
                "De sleutel van de opgeslagen aanmeldingen is beschadigd; meld u opnieuw aan. / "
                "The key of the stored sign-ins is damaged; please sign in again."
            )
        key = AESGCM.generate_key(bit_length=256)
        put_secret(
            self.name, Secret(base64.b64encode(key).decode("ascii")), data_dir=self._profile_dir
        )
        return key

    def forget(self) -> None:
        delete_secret(self.name, data_dir=self._profile_dir)


class KeyringEncryptedFile:
    """AES-256-GCM file whose key is in the OS keyring."""

    def __init__(self, path: Path, key: KeyringKey, purpose: str) -> None:
        self.path = path
        self._key = key
        self._aad = _HEADER + purpose.encode()

    def read(self) -> bytes | None:
        try:
            blob = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise _unreadable(self.path, str(error)) from error
        if len(blob) < len(_HEADER) + 12 + 16 or not blob.startswith(MAGIC):
            raise _unreadable(self.path, "not a zivverdesk token cache")
        if blob[len(MAGIC)] != VERSION:
            raise _unreadable(self.path, f"unknown version {blob[len(MAGIC)]}")
        nonce = blob[len(_HEADER) : len(_HEADER) + 12]
        try:
            return AESGCM(self._key.get()).decrypt(nonce, blob[len(_HEADER) + 12 :], self._aad)
        except InvalidTag as error:
            raise _unreadable(self.path, "the key does not fit (keyring reset?)") from error

    def write(self, data: bytes) -> None:
        nonce = os.urandom(12)
        sealed = AESGCM(self._key.get()).encrypt(nonce, data, self._aad)
        _atomic_write(self.path, _HEADER + nonce + sealed)

    def delete(self) -> None:
        self.path.unlink(missing_ok=True)


class DpapiFile:
    """Windows: the file is protected by DPAPI for the signed-in Windows user."""

    def __init__(self, path: Path, persistence: Any) -> None:
        self.path = path
        self._persistence = persistence

    def read(self) -> bytes | None:
        if not self.path.exists():
            return None
        try:
            return str(self._persistence.load()).encode("utf-8")
        except OSError as error:
            raise _unreadable(self.path, str(error)) from error

    def write(self, data: bytes) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._persistence.save(data.decode("utf-8"))

    def delete(self) -> None:
        self.path.unlink(missing_ok=True)


def open_secure_file(path: Path, *, profile_dir: Path, purpose: str) -> SecureFile:
    """The best protection this machine offers for `path`. `purpose` names what the file
    holds (for example the account it belongs to) and binds the content to it."""
    if sys.platform == "win32":
        try:
            extensions = importlib.import_module("msal_extensions")
        except ImportError:
            extensions = None
        if extensions is not None:
            persistence = extensions.FilePersistenceWithDataProtection(str(path), entropy=purpose)
            return DpapiFile(path, persistence)
    return KeyringEncryptedFile(path, KeyringKey(profile_dir), purpose)


def _atomic_write(path: Path, data: bytes) -> None:
    # Write beside the target and rename, so a crash never leaves half a cache behind; the
    # file is created owner-only before any byte is written.
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


def _unreadable(path: Path, reason: str) -> TokenCacheError:
    return TokenCacheError(
        f"De opgeslagen aanmelding in {path} is onleesbaar ({reason}); meld u opnieuw aan. / "
        f"The stored sign-in in {path} cannot be read ({reason}); please sign in again."
    )

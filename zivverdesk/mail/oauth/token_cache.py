"""Where sign-in tokens rest between runs: an encrypted file per account, never plain text.

On Windows the file is protected with DPAPI through `msal-extensions` when it is installed
(the user's Windows login guards it). Elsewhere, and on Windows without it, the file is
AES-256-GCM encrypted under a 32-byte key that lives in the OS keyring (`keyring`): the key
is small enough for Windows Credential Manager's ~2.5 KB limit, the tokens are not.

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

import keyring
import keyring.errors
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from zivverdesk.core.errors import ZivverdeskError

MAGIC = b"ZVTC"
VERSION = 1
_HEADER = MAGIC + bytes([VERSION])
_KEYRING_SERVICE = "zivverdesk"


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
    """A 32-byte key in the OS keyring, created on first use. The keyring entry is named
    after the profile folder so that test profiles never share the real profile's key."""

    def __init__(self, profile_dir: Path) -> None:
        digest = hashlib.sha256(str(profile_dir.resolve()).encode()).hexdigest()[:16]
        self._name = f"oauth-token-cache-key:{digest}"

    def get(self) -> bytes:
        try:
            stored = keyring.get_password(_KEYRING_SERVICE, self._name)
            if stored is not None:
                key = base64.b64decode(stored, validate=True)
                if len(key) == 32:
                    return key
            key = AESGCM.generate_key(bit_length=256)
            keyring.set_password(_KEYRING_SERVICE, self._name, base64.b64encode(key).decode())
            return key
        except (keyring.errors.KeyringError, binascii.Error) as error:
            raise TokenCacheError(
                "De sleutelbos van het systeem is niet bruikbaar, dus de aanmelding kan niet "
                f"veilig bewaard worden ({error}). / The system keyring is not usable, so the "
                "sign-in cannot be stored safely."
            ) from error


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
